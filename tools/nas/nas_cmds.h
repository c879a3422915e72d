/* nas_cmds.h: mcn-nas's subcommands, each given main's argc and argv
   (argv[1] is its name); each returns the exit status. */
#ifndef MCN_NAS_CMDS_H
#define MCN_NAS_CMDS_H

int nas_space_main(int argc, char **argv);
int nas_search_main(int argc, char **argv);
int nas_ld_main(int argc, char **argv);
/* mcn-nas with no subcommand: its options start at argv[1]. */
int nas_whole_main(int argc, char **argv);

#endif
