/* A C program built against the installed header and library through `pkg-config permitflow-c`. */
#include <stdio.h>
#include <string.h>

#include "permitflow/permitflow.h"

int main(void) {
  char* out = (char*)"sentinel";
  pf_engine* e = NULL;
  if (pf_version() == NULL || pf_version()[0] == '\0') return 1;
  /* A storage failure needs no database file: an engine on a path in a missing directory. */
  if (pf_open("{\"database\": \"/nonexistent-permitflow-dir/x/c.db\"}", &e) == PF_OK || e != NULL) return 2;
  if (pf_get_case(NULL, "x", &out) != PF_INVALID_ARGUMENT || out != NULL) return 3;
  if (strlen(pf_last_error()) == 0) return 4;
  pf_free(NULL);
  printf("permitflow-c %s\n", pf_version());
  return 0;
}
