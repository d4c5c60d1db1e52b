# tern-imap's command parser, sequence sets and mailbox-name codec
"$TERN_BIN/t/imap-parse" <<'IN'
a1 LOGIN bob "pa ss\"w\\rd"
a2 FETCH 1:*,3 (UID BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)]<0.100> FLAGS)
a3 LOGIN {3}\nbob {0}\n
a4 APPEND Inbox (\Seen) \01
a5 SEARCH (OR (SEEN) NOT (FROM "x"))
a6 NOOP  x
a7 NOOP (x
a8 NOOP x)
a9 NOOP "unterminated
b1 NOOP {5}\nabc
b2 NOOP ((((((((((((((((((((((((((((((((((x))))))))))))))))))))))))))))))))))
b3 NOOP "a\x"
b4 NOOP ( )
b5 X BODY[unterminated
b6 SELECT foo] a]b
seq 1:*
seq 4294967295:1,7
seq 4294967296
seq 0
seq 1,,2
seq 1:
seq *:3
dec Caf&AOk-
dec &ZeVnLIqe-/x&-y
dec &AGE-
dec &Jjo
dec &2D3cAA-
dec Café
enc Café
enc 日本語/&
IN
echo "exit $?"
