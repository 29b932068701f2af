// Symbol visibility: the library is built with hidden visibility; only what carries PERMITFLOW_EXPORT is
// public.
#pragma once

#if defined(_WIN32)
#define PERMITFLOW_EXPORT
#else
#define PERMITFLOW_EXPORT __attribute__((visibility("default")))
#endif
