# tern dispatches to tern-X beside itself and lists its commands
tern -h | head -n 3 ; echo "exit $?"
tern ; echo "exit $?"
tern nosuch ; echo "exit $?"
tern ../x ; echo "exit $?"
mkdir few && cp "$TERN_BIN/tern" "$TERN_BIN/tern-conf" "$TERN_BIN/tern-route" few/
few/tern -h ; echo "exit $?"
