/* What the C tests of the C API share: the check counters, CHECK and REQUIRE, and printf-style formatting
 * into rotating buffers. Header-only with static definitions: each C test is a single translation unit. */
#ifndef PERMITFLOW_TESTS_C_TEST_SUPPORT_H
#define PERMITFLOW_TESTS_C_TEST_SUPPORT_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "permitflow/permitflow.h"

static int failures = 0;
static int checks = 0;

/* The case or scenario under way, named beside a failed CHECK when set. */
static char current_case[128] = "";

static void check_failed(const char* file, int line, const char* cond) {
  ++failures;
  if (current_case[0] != '\0') {
    fprintf(stderr, "%s:%d: CHECK failed: %s (case %s)\n", file, line, cond, current_case);
  } else {
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", file, line, cond);
  }
}

#define CHECK(cond)                                       \
  do {                                                    \
    ++checks;                                             \
    if (!(cond)) check_failed(__FILE__, __LINE__, #cond); \
  } while (0)

/* Fatal: the rest of the scenario depends on it. */
#define REQUIRE(cond)                                                            \
  do {                                                                           \
    ++checks;                                                                    \
    if (!(cond)) {                                                               \
      fprintf(stderr, "%s:%d: REQUIRE failed: %s\n", __FILE__, __LINE__, #cond); \
      fprintf(stderr, "  pf_last_error: %s\n", pf_last_error());                 \
      exit(1);                                                                   \
    }                                                                            \
  } while (0)

/* printf into one of eight rotating buffers: a result stays valid until eight more calls. */
static char* fmt(const char* f, ...) {
  static char bufs[8][16384];
  static int next = 0;
  char* b = bufs[next];
  va_list ap;
  next = (next + 1) % 8;
  va_start(ap, f);
  vsnprintf(b, sizeof bufs[0], f, ap);
  va_end(ap);
  return b;
}

#endif
