MAN += junk/tern-junk.5
