PROGS += tern-route
tern-route_OBJS = route/tern-route.o route/tern-route-pick.o route/tern-route-line.o
MAN += route/tern-route.8
