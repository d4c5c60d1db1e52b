# cdbdump.py FILE: print a cdb's records in file order, "key = value" (test helper)
import struct, sys
d = open(sys.argv[1], 'rb').read()
end = min(struct.unpack('<512I', d[:2048])[0::2])
p = 2048
while p < end:
    kl, vl = struct.unpack('<II', d[p:p+8])
    k = d[p+8:p+8+kl].decode('utf-8', 'replace')
    v = d[p+8+kl:p+8+kl+vl].decode('utf-8', 'replace')
    print(k + ' = ' + v)
    p += 8 + kl + vl
