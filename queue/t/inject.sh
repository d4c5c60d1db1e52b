# tern-queue-inject: usage, bad envelopes (100), too big (100), a good
# message committed to todo/ with its envelope, a killed inject commits nothing
tern-conf -c c init mail.example.org data >/dev/null
tern-conf -c c add-domain example.org >/dev/null
echo 'max-message-size 2048' >> c/tern.conf
tern-conf -c c compile
q=c/data/queue
tern-queue-inject -h ; echo "exit $?"
tern-queue-inject -c c bob@example.org </dev/null ; echo "exit $?"
tern-queue-inject -c c -f a@b.example </dev/null ; echo "exit $?"
tern-queue-inject -c c -f 'a b@c' bob@example.org </dev/null ; echo "exit $?"
tern-queue-inject -c c -f '' 'bob@' </dev/null ; echo "exit $?"
tern-queue-inject -c c -f '' 'bøb@example.org' </dev/null ; echo "exit $?"
tern-queue-inject -c c -a 'Bad Name' -f '' bob@example.org </dev/null ; echo "exit $?"
tern-queue-inject -c nowhere -f '' bob@example.org </dev/null ; echo "exit $?"
head -c 69000 /dev/zero | tern-queue-inject -c c -f '' bob@example.org ; echo "exit $?"   # over 2048 + the 64 KiB margin
ls $q/todo $q/tmp
echo "--- good"
printf 'Subject: x\r\n\r\nhi\r\n' | tern-queue-inject -c c -a bob -i 192.0.2.1 -H "$(printf 'a\tb')" -8 -U \
  -f 'a@b.example' -- 'bøb@EXAMPLE.org' carol@example.org >id 2>log ; echo "exit $?"
id=$(cat id)
echo "$id" | grep -Eq '^[0-9a-f]{13}\.[0-9a-f]+$' && echo "id looks right"
sed "s/$id/ID/" log
# the sealed first line (tern-queue.5): size and CRC-32 of the rest, the id
head -n 1 $q/todo/$id | sed -E "s/^tern-queue 3 [0-9a-f]{16} [0-9a-f]{8} $id\$/tern-queue 3 SIZE SUM ID/"
seal=$(head -n 1 $q/todo/$id)
[ "$(echo "$seal" | cut -d' ' -f4)" = "$(tail -n +2 $q/todo/$id | python3 -c 'import sys, zlib ; print("%08x" % zlib.crc32(sys.stdin.buffer.read()))')" ] && echo "CRC-32 of the rest"
[ $((0x$(echo "$seal" | cut -d' ' -f3))) = "$(tail -n +2 $q/todo/$id | wc -c)" ] && echo "size of the rest"
tail -n +2 $q/todo/$id | sed -e 's/^time [0-9]*$/time T/' | od -c | sed 's/^[0-7]* *//'
cat $q/version ; test -p $q/trigger && echo "trigger is a fifo"
echo "--- killed while reading stdin"
rm $q/todo/*
mkfifo in
tern-queue-inject -c c -f '' bob@example.org <in & pid=$!
exec 3>in
printf 'Subject: x\r\n' >&3
sleep 1
kill -9 $pid ; { wait $pid ; } 2>/dev/null ; echo "killed: exit $?"
exec 3>&-
ls $q/todo ; ls $q/tmp | wc -l
