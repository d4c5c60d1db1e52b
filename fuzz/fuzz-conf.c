/* fuzz-conf: the config text parser.  The first byte picks the kind of
   file (tern.conf, domain, account, transport, routes); the rest is its text. */
#include <stdint.h>
#include <stddef.h>
#include "tern_conftext.h"

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  tern_conftext t = TERN_CONFTEXT_ZERO ;
  if (!size) return 0 ;
  if (tern_conftext_init(&t, "/etc/tern", TERN_CONFTEXT_NOLOOKUP)
   && tern_conftext_declare(&t, 'd', "example.com") && tern_conftext_declare(&t, 'd', "xn--mx-lka.example")
   && tern_conftext_declare(&t, 'a', "bob") && tern_conftext_declare(&t, 't', "relay"))
  {
    static char const *const files[5] = { "tern.conf", "domains/example.com", "accounts/bob", "transports/relay", "routes" } ;
    static char const *const names[5] = { 0, "example.com", "bob", "relay", 0 } ;
    unsigned int k = data[0] % 5 ;
    tern_conftext_file(&t, k, files[k], names[k], (char const *)data + 1, size - 1) ;
    /* a second file sees the first one's addresses: duplicates */
    if (k == TERN_CONFTEXT_ACCOUNT)
      tern_conftext_file(&t, k, "accounts/eve", "eve", (char const *)data + 1, size - 1) ;
  }
  tern_conftext_free(&t) ;
  return 0 ;
}
