# tern-imap: usage, bad options, no configuration
tern-imap -h ; echo "exit $?"
tern-imap -x 2>&1 ; echo "exit $?"
tern-imap -t 0 2>&1 ; echo "exit $?"
tern-imap -c nowhere </dev/null 2>&1 ; echo "exit $?"
