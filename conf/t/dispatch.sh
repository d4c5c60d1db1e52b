# tern dispatches to tern-X beside itself and lists its commands
tern -h | head -n 3 ; echo "exit $?"
tern ; echo "exit $?"
tern nosuch ; echo "exit $?"
tern ../x ; echo "exit $?"
