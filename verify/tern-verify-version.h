/* tern-verify-version.h: the backup version file's parser (tern-verify-version.c). */
#ifndef TERN_VERIFY_VERSION_H
#define TERN_VERIFY_VERSION_H

#include <stddef.h>

#define VERIFY_V_STORE 1       /* a store format this tern does not read */
#define VERIFY_V_QUEUE 2       /* a queue layout it does not read */
#define VERIFY_V_FORMAT 4      /* a version file format it does not read */
#define VERIFY_V_INCOMPLETE 8  /* the last line is not "complete" */
extern unsigned int verify_version (char *s, size_t len) ;

#endif
