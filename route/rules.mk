PROGS += tern-route
tern-route_OBJS = route/tern-route.o route/tern-route-pick.o
MAN += route/tern-route.8
