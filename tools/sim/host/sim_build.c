/*
** sim_build.c: see sim_build.h. Everything happens in one work directory:
** model.mcn and samples.bin are embedded by run.S (.incbin), gcc links
** fw.elf and fw.map with the flags the CPU's engine was built with (its
** cflags file, written by the Makefile), QEMU runs with that directory as
** its working directory so the firmware's semihosting writes land there
** too.
*/
#include "sim_build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "fw_size.h"
#include "sim_proto.h"

#define MAX_CFLAGS 16

typedef struct {
    char dir[4096];
    bool remove;
    const sim_board *board;
    char arm[4096];       /* lib/mcn/arm: the boards' linker scripts */
    char cpu[4200];       /* lib/mcn/arm/<cpu>: engine, harness, cflags */
    char **objs;
    int n_objs;
    char cflags[512];     /* the cflags file, cut into words */
    const char *flag[MAX_CFLAGS];
    int n_flags;
    bool gen;             /* the generated form (sim_job.gen_c) */
} work;

static const char *const work_files[] = {
    "model.mcn", "samples.bin", "run.S", "fw.elf", "fw.map", "link.log",
    "qemu.log", SIM_OUT_FILE, "net.c", "net.h", "net.o", "sim_gen_hook.h",
    "cc.log", NULL
};

/* ---- processes, and what a signal must clean up ---- */

/* The running child and the temporary directory, for on_signal: a user's
   ^C must not leave QEMU running nor the directory behind. */
static volatile pid_t live_child;
static char live_dir[4096];
static volatile sig_atomic_t live_remove;

/* Async-signal-safe: no stdio, no malloc; the path built by hand. */
static void on_signal(int sig)
{
    if (live_child > 0) {
        kill(live_child, SIGKILL);
        waitpid(live_child, NULL, 0);
    }
    if (live_remove) {
        char path[4200];
        size_t n = strlen(live_dir);
        for (const char *const *f = work_files; *f; f++) {
            size_t m = strlen(*f);
            if (n + 1 + m >= sizeof path)
                continue;
            memcpy(path, live_dir, n);
            path[n] = '/';
            memcpy(path + n + 1, *f, m + 1);
            unlink(path);
        }
        rmdir(live_dir);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void catch_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
        sigaddset(&sa.sa_mask, sigs[i]);
    /* A signal ignored when we started (nohup, a shell's background job
       and SIGINT) stays ignored. */
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        struct sigaction old;
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(sigs[i], &sa, NULL);
    }
}

#define SPAWN_TIMEOUT (-2)

/* Run argv (argv[0] from PATH) in `dir` with its output in `log` there;
   kill it after timeout_s seconds (0: never). Returns its exit status;
   -1 if it could not start or died of a signal; SPAWN_TIMEOUT. */
static int spawn(const char *dir, const char *const *argv, const char *log,
                 int timeout_s)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        /* Our handlers are not the child's (ignored ones stay ignored). */
        static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
        for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
            struct sigaction old;
            if (sigaction(sigs[i], NULL, &old) == 0 &&
                old.sa_handler == on_signal)
                signal(sigs[i], SIG_DFL);
        }
        int fd = chdir(dir) == 0
                     ? open(log, O_WRONLY | O_CREAT | O_TRUNC, 0666) : -1;
        int nul = open("/dev/null", O_RDONLY);
        if (fd < 0 || nul < 0 || dup2(nul, 0) < 0 || dup2(fd, 1) < 0 ||
            dup2(fd, 2) < 0)
            _exit(126);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    live_child = pid;
    struct timespec t0, now, nap = {0, 10 * 1000 * 1000};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        int st;
        pid_t r = waitpid(pid, &st, timeout_s ? WNOHANG : 0);
        if (r == pid) {
            live_child = 0;
            return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        }
        if (r < 0 && errno != EINTR) {
            live_child = 0;
            return -1;
        }
        if (r != 0)
            continue;
        clock_gettime(CLOCK_MONOTONIC, &now);
        int64_t ms = (int64_t)(now.tv_sec - t0.tv_sec) * 1000 +
                     (now.tv_nsec - t0.tv_nsec) / 1000000;
        if (ms >= (int64_t)timeout_s * 1000) {
            kill(pid, SIGKILL);
            while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
                ;
            live_child = 0;
            return SPAWN_TIMEOUT;
        }
        nanosleep(&nap, NULL);
    }
}

static bool in_path(const char *prog)
{
    const char *path = getenv("PATH");
    if (!path)
        path = "/bin:/usr/bin";  /* what execvp falls back to */
    char buf[4096];
    while (*path) {
        size_t n = strcspn(path, ":");
        snprintf(buf, sizeof buf, "%.*s/%s", n ? (int)n : 1,
                 n ? path : ".", prog);
        if (access(buf, X_OK) == 0)
            return true;
        path += n + (path[n] == ':');
    }
    return false;
}

int sim_check_tools(mcn_err *e)
{
    if (!in_path(SIM_ARM_CC))
        return mcn_fail_status(e, MCN_EX_UNAVAILABLE,
                               SIM_ARM_CC
                               " not found: install gcc-arm-none-eabi"
                               " and libnewlib-arm-none-eabi");
    if (!in_path(SIM_QEMU))
        return mcn_fail_status(e, MCN_EX_UNAVAILABLE,
                               SIM_QEMU " not found: install qemu-system-arm");
    return 0;
}

/* ---- the work directory ---- */

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_obj(work *w, const char *name, mcn_err *e)
{
    char **grown = realloc(w->objs, (size_t)(w->n_objs + 1) * sizeof *grown);
    if (!grown)
        return mcn_fail_status(e, MCN_EX_OSERR, "out of memory");
    w->objs = grown;
    size_t plen = strlen(w->cpu) + strlen(name) + 2;
    char *path = malloc(plen);
    if (!path)
        return mcn_fail_status(e, MCN_EX_OSERR, "out of memory");
    snprintf(path, plen, "%s/%s", w->cpu, name);
    w->objs[w->n_objs++] = path;
    return 0;
}

/* The flags the engine was built with, one line of words. */
static int read_cflags(work *w, mcn_err *e)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/cflags", w->cpu);
    FILE *f = fopen(path, "r");
    if (!f)
        return mcn_fail_status(e, MCN_EX_NOINPUT, "cannot read %s: %s", path,
                               strerror(errno));
    size_t n = fread(w->cflags, 1, sizeof w->cflags - 1, f);
    fclose(f);
    w->cflags[n] = 0;
    for (char *tok = strtok(w->cflags, " \t\r\n"); tok;
         tok = strtok(NULL, " \t\r\n")) {
        if (w->n_flags == MAX_CFLAGS)
            return mcn_fail(e, "%s: more than %d flags", path, MAX_CFLAGS);
        w->flag[w->n_flags++] = tok;
    }
    return 0;
}

/* The board's linker scripts, and the CPU's engine, harness objects
   (every .o in its directory, which is what `make arm` and `make install`
   put there; for generated code gen/sim_main_gen.o in place of
   sim_main.o) and flags. */
static int find_arm(work *w, const char *arm_dir, bool gen, mcn_err *e)
{
    char exe[4096], dir[4200];
    if (!arm_dir) {
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n <= 0)
            return mcn_fail_status(e, MCN_EX_OSERR,
                                   "cannot find my own executable: %s",
                                   strerror(errno));
        exe[n] = 0;
        *strrchr(exe, '/') = 0;
        snprintf(dir, sizeof dir, "%s/../lib/mcn/arm", exe);
        arm_dir = dir;
    }
    /* Absolute: gcc runs in the work directory. */
    char cwd[4096] = "";
    if (arm_dir[0] != '/' && !getcwd(cwd, sizeof cwd))
        return mcn_fail_status(e, MCN_EX_OSERR,
                               "cannot find the current directory: %s",
                               strerror(errno));
    int k = snprintf(w->arm, sizeof w->arm, "%s%s%s", cwd, cwd[0] ? "/" : "",
                     arm_dir);
    if (k < 0 || (size_t)k >= sizeof w->arm)
        return mcn_fail(e, "%s: path too long", arm_dir);
    snprintf(w->cpu, sizeof w->cpu, "%s/%s", w->arm, w->board->cpu);
    char need[4][4400];
    snprintf(need[0], sizeof need[0], "%s/%s.ld", w->arm, w->board->name);
    snprintf(need[1], sizeof need[1], "%s/sim_sections.ld", w->arm);
    snprintf(need[2], sizeof need[2], "%s/libmcn.a", w->cpu);
    snprintf(need[3], sizeof need[3], "%s/sim_main.o", w->cpu);
    for (int i = 0; i < 4; i++)
        if (access(need[i], R_OK) != 0)
            return mcn_fail_status(e, MCN_EX_UNAVAILABLE,
                                   "no %s engine for %s: %s is missing "
                                   "(make arm)",
                                   w->board->core, w->board->name, need[i]);
    if (read_cflags(w, e))
        return -1;
    DIR *d = opendir(w->cpu);
    if (!d)
        return mcn_fail_status(e, MCN_EX_IOERR, "cannot list %s: %s", w->cpu,
                               strerror(errno));
    struct dirent *ent;
    int rc = 0;
    while (rc == 0 && (ent = readdir(d))) {
        size_t len = strlen(ent->d_name);
        if (len >= 3 && strcmp(ent->d_name + len - 2, ".o") == 0 &&
            !(gen && strcmp(ent->d_name, "sim_main.o") == 0))
            rc = add_obj(w, ent->d_name, e);
    }
    closedir(d);
    if (rc == 0 && gen) {
        char main_gen[4400];
        snprintf(main_gen, sizeof main_gen, "%s/gen/sim_main_gen.o", w->cpu);
        if (access(main_gen, R_OK) != 0)
            rc = mcn_fail_status(e, MCN_EX_UNAVAILABLE,
                                 "no firmware main for generated code: %s is "
                                 "missing (make arm)",
                                 main_gen);
        else
            rc = add_obj(w, "gen/sim_main_gen.o", e);
    }
    /* A stable link order, so two runs give the same firmware. */
    if (rc == 0)
        qsort(w->objs, (size_t)w->n_objs, sizeof *w->objs, by_name);
    return rc;
}

static int make_dir(work *w, const char *keep_dir, mcn_err *e)
{
    if (keep_dir) {
        if (strlen(keep_dir) >= sizeof w->dir)
            return mcn_fail(e, "%s: path too long", keep_dir);
        if (mkdir(keep_dir, 0777) != 0 && errno != EEXIST)
            return mcn_fail_status(e, MCN_EX_CANTCREAT, "cannot create %s: %s",
                                   keep_dir, strerror(errno));
        strcpy(w->dir, keep_dir);
        return 0;
    }
    const char *tmp = getenv("TMPDIR");
    int k = snprintf(w->dir, sizeof w->dir, "%s/mcn-sim-XXXXXX",
                     tmp && *tmp ? tmp : "/tmp");
    if (k < 0 || (size_t)k >= sizeof w->dir)
        return mcn_fail_status(e, MCN_EX_CANTCREAT, "TMPDIR is too long");
    catch_signals();
    if (!mkdtemp(w->dir))
        return mcn_fail_status(e, MCN_EX_CANTCREAT,
                               "cannot create a temporary directory: %s",
                               strerror(errno));
    w->remove = true;
    memcpy(live_dir, w->dir, sizeof live_dir);
    live_remove = 1;
    return 0;
}

static void work_free(work *w)
{
    live_remove = 0;
    if (w->remove) {
        char path[4200];
        for (const char *const *f = work_files; *f; f++) {
            snprintf(path, sizeof path, "%s/%s", w->dir, *f);
            unlink(path);
        }
        rmdir(w->dir);
    }
    for (int i = 0; i < w->n_objs; i++)
        free(w->objs[i]);
    free(w->objs);
}

static int put_file(const work *w, const char *name, const void *buf,
                    size_t len, mcn_err *e)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", w->dir, name);
    FILE *f = fopen(path, "wb");
    bool ok = f && fwrite(buf, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = false;
    return ok ? 0
              : mcn_fail_status(e, MCN_EX_IOERR, "cannot write %s: %s", path,
                                strerror(errno));
}

/* A log's line that says what went wrong: the first naming an error,
   else the last. */
static const char *log_reason(const work *w, const char *name, char *buf,
                              size_t cap)
{
    char path[4200], line[1024];
    snprintf(path, sizeof path, "%s/%s", w->dir, name);
    snprintf(buf, cap, "(no output)");
    FILE *f = fopen(path, "r");
    if (!f)
        return buf;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0])
            continue;
        snprintf(buf, cap, "%s", line);
        if (strstr(line, "error") || strstr(line, "mcn-sim") ||
            strstr(line, "overflow"))
            break;
    }
    fclose(f);
    return buf;
}

/* ---- the firmware ---- */

/* The per-run part of the firmware: model and samples by .incbin (gas
   finds them in its working directory), the arena as bss. */
static int put_run_s(const work *w, const sim_job *j, mcn_err *e)
{
    /* Generated code has its arena in net.c. */
    uint32_t arena = j->gen_c ? 0 : (j->arena_bytes + 15u) & ~15u;
    if (arena == 0)
        arena = 16;
    unsigned slots = j->n_ops > 0 ? (unsigned)j->n_ops : 0u;
    char s[2560];
    int n = snprintf(s, sizeof s,
        "@ Generated by mcn-sim for one run (tools/sim/sim_proto.h).\n"
        "\t.syntax unified\n"
        "\t.section .rodata.mcn_sim_model,\"a\",%%progbits\n"
        "\t.balign 16\n"
        "\t.global " SIM_SYM_MODEL "\n"
        SIM_SYM_MODEL ":\n"
        "\t.incbin \"model.mcn\"\n"
        "mcn_sim_model_end:\n"
        "\t.section .rodata.mcn_sim_sizes,\"a\",%%progbits\n"
        "\t.balign 4\n"
        "\t.global " SIM_SYM_MODEL_SIZE ", " SIM_SYM_N_SAMPLES ", "
        SIM_SYM_SAMPLE_BYTES ", " SIM_SYM_ARENA_SIZE ", "
        SIM_SYM_OP_SLOTS "\n"
        SIM_SYM_MODEL_SIZE ":\t.word mcn_sim_model_end - " SIM_SYM_MODEL "\n"
        SIM_SYM_N_SAMPLES ":\t.word %d\n"
        SIM_SYM_SAMPLE_BYTES ":\t.word %zu\n"
        SIM_SYM_ARENA_SIZE ":\t.word %u\n"
        SIM_SYM_OP_SLOTS ":\t.word %u\n"
        "\t.section .mcn_sim_samples,\"a\",%%progbits\n"
        "\t.balign 16\n"
        "\t.global " SIM_SYM_SAMPLES "\n"
        SIM_SYM_SAMPLES ":\n"
        "\t.incbin \"samples.bin\"\n"
        "\t.section .bss.mcn_sim_arena,\"aw\",%%nobits\n"
        "\t.balign 16\n"
        "\t.global " SIM_SYM_ARENA "\n"
        SIM_SYM_ARENA ":\n"
        "\t.space %u\n"
        "\t.section .mcn_sim_scratch,\"aw\",%%nobits\n"
        "\t.balign 4\n"
        "\t.global " SIM_SYM_OP_TICKS "\n"
        SIM_SYM_OP_TICKS ":\n"
        "\t.space %u\n",
        j->n_samples, j->sample_bytes, arena, slots, arena,
        4u * (slots ? slots : 1u));
    return put_file(w, "run.S", s, (size_t)n, e);
}

/* Generated code: net.c compiled with the engine's flags, its operator
   hook routed to the harness's per-operator clock (sim_main_gen.c). Only
   each operator's start calls it (an operator ends where the next starts,
   or net_invoke returns), so the profiling costs one call per operator in
   the firmware's code and instructions, not two. */
static int compile_generated(work *w, const sim_job *j, mcn_err *e)
{
    static const char hook[] =
        "/* Written by mcn-sim: net.c's operator hook is the harness's. */\n"
        "#include <stdint.h>\n"
        "void sim_gen_hook(uint32_t op);\n"
        "#define MCN_GEN_OP_HOOK(op, done) \\\n"
        "    ((done) ? (void)0 : sim_gen_hook(op))\n";
    if (put_file(w, "net.c", j->gen_c, strlen(j->gen_c), e) ||
        put_file(w, "net.h", j->gen_h, strlen(j->gen_h), e) ||
        put_file(w, "sim_gen_hook.h", hook, sizeof hook - 1, e))
        return -1;
    char inc[4200];
    snprintf(inc, sizeof inc, "-I%s/include", w->arm);
    const char *head[] = {"-std=c99", "-O2", "-ffunction-sections",
                          "-fdata-sections", inc, "-include",
                          "sim_gen_hook.h", "-c", "net.c", "-o", "net.o",
                          NULL};
    size_t nh = sizeof head / sizeof *head;
    const char *argv[1 + MAX_CFLAGS + 16];
    size_t k = 0;
    argv[k++] = SIM_ARM_CC;
    for (int i = 0; i < w->n_flags; i++)
        argv[k++] = w->flag[i];
    for (size_t i = 0; i < nh; i++)
        argv[k++] = head[i];
    int st = spawn(w->dir, argv, "cc.log", 0);
    if (st != 0) {
        char why[1024];
        return mcn_fail_status(
            e, MCN_EX_SOFTWARE,
            "compiling the generated code for %s failed: %s", w->board->name,
            log_reason(w, "cc.log", why, sizeof why));
    }
    char **grown = realloc(w->objs, (size_t)(w->n_objs + 1) * sizeof *grown);
    char *path = strdup("net.o");
    if (!grown || !path) {
        free(path);
        if (grown)
            w->objs = grown;
        return mcn_fail_status(e, MCN_EX_OSERR, "out of memory");
    }
    w->objs = grown;
    w->objs[w->n_objs++] = path;
    return 0;
}

static int link_firmware(const work *w, mcn_err *e)
{
    char ld[4200], lib[4300];
    snprintf(ld, sizeof ld, "%s/%s.ld", w->arm, w->board->name);
    snprintf(lib, sizeof lib, "%s/libmcn.a", w->cpu);
    /* The board's script INCLUDEs sim_sections.ld, found through -L. */
    const char *head[] = {
        "-O2", "-ffunction-sections", "-fdata-sections", "-nostartfiles",
        "--specs=nano.specs", "-Wl,--gc-sections", "-Wl,-Map=fw.map",
        "-L", w->arm, "-T", ld,
    };
    const char *tail[] = {"run.S", lib, "-o", "fw.elf", NULL};
    size_t nh = sizeof head / sizeof *head, nt = sizeof tail / sizeof *tail;
    const char **argv = malloc((1 + (size_t)w->n_flags + nh +
                                (size_t)w->n_objs + nt) * sizeof *argv);
    if (!argv)
        return mcn_fail_status(e, MCN_EX_OSERR, "out of memory");
    size_t k = 0;
    argv[k++] = SIM_ARM_CC;
    for (int i = 0; i < w->n_flags; i++)
        argv[k++] = w->flag[i];
    for (size_t i = 0; i < nh; i++)
        argv[k++] = head[i];
    for (int i = 0; i < w->n_objs; i++)
        argv[k++] = w->objs[i];
    for (size_t i = 0; i < nt; i++)
        argv[k++] = tail[i];
    int st = spawn(w->dir, argv, "link.log", 0);
    free(argv);
    if (st == 0)
        return 0;
    char why[1024];
    return mcn_fail_status(
        e, MCN_EX_SOFTWARE, "linking the firmware for %s failed: %s",
        w->board->name, log_reason(w, "link.log", why, sizeof why));
}

/* What a deployment adds to flash (TFLM's figures count the same way:
   the library's code, constants and initialised data), and the whole
   image without the samples, which only the harness carries. */
static int measure(const work *w, sim_run *r, mcn_err *e)
{
    static const char *const flash[] = {".text", ".rodata", ".data",
                                        ".ARM.exidx", NULL};
    char path[4200], lib[4300];
    uint8_t *buf = NULL;
    size_t len = 0;
    snprintf(lib, sizeof lib, "%s/libmcn.a", w->cpu);
    snprintf(path, sizeof path, "%s/fw.map", w->dir);
    int rc = file_read_all(path, &buf, &len, e);
    if (rc == 0)
        rc = fw_map_archive_bytes((const char *)buf, len, lib, flash,
                                  &r->engine_bytes, e);
    static const char *const code[] = {".text", ".ARM.exidx", NULL};
    static const char *const data[] = {".rodata", ".data", NULL};
    if (rc == 0 && w->gen)
        rc = fw_map_object_bytes((const char *)buf, len, "net.o", code,
                                 &r->gen_code_bytes, e) ||
             fw_map_object_bytes((const char *)buf, len, "net.o", data,
                                 &r->gen_data_bytes, e);
    free(buf);
    buf = NULL;
    snprintf(path, sizeof path, "%s/fw.elf", w->dir);
    fw_elf_sizes sz;
    if (rc == 0)
        rc = file_read_all(path, &buf, &len, e);
    if (rc == 0)
        rc = fw_elf_sizes_get(buf, len, ".samples", &sz, e);
    free(buf);
    if (rc == 0)
        r->firmware_bytes = sz.text + sz.data;
    return rc;
}

static int run_firmware(const work *w, const sim_job *j, sim_run *r,
                        mcn_err *e)
{
    const char *argv[] = {
        SIM_QEMU, "-M", w->board->name, "-nographic", "-monitor", "none",
        "-serial", "none", "-semihosting-config", "enable=on,target=native",
        "-icount", "shift=0", "-kernel", "fw.elf", NULL
    };
    int st = spawn(w->dir, argv, "qemu.log", j->timeout_s);
    if (st == SPAWN_TIMEOUT)
        return mcn_fail_status(e, MCN_EX_SOFTWARE,
                               "the firmware did not finish within %d s",
                               j->timeout_s);
    char why[1024], path[4200];
    if (st < 0 || st == 126 || st == 127)
        return mcn_fail_status(e, MCN_EX_OSERR, "cannot run " SIM_QEMU ": %s",
                               log_reason(w, "qemu.log", why, sizeof why));
    snprintf(path, sizeof path, "%s/" SIM_OUT_FILE, w->dir);
    mcn_err pe = {0};
    int rc = sim_results_read(path, j->n_samples, j->n_outputs, j->out_bytes,
                              j->n_ops, &r->res, &pe);
    if (st == SIM_EXIT_FAULT)
        return mcn_fail_status(e, MCN_EX_SOFTWARE, "%s (in sample %d)",
                               log_reason(w, "qemu.log", why, sizeof why),
                               r->res.done);
    if (st == SIM_EXIT_ENGINE && rc == 0 && r->res.status != 0)
        return 0;
    if (st != 0)
        return mcn_fail_status(e, MCN_EX_SOFTWARE,
                               "the firmware stopped with exit code %d: %s",
                               st, log_reason(w, "qemu.log", why, sizeof why));
    if (rc == 0 && r->res.done != j->n_samples)
        rc = mcn_fail_status(&pe, MCN_EX_SOFTWARE,
                             "the firmware stopped after %d samples",
                             r->res.done);
    /* Results that do not parse are the firmware's fault, not the data's. */
    int status = pe.status == MCN_EX_OSERR ? MCN_EX_OSERR : MCN_EX_SOFTWARE;
    return rc ? mcn_fail_status(e, status, "%s", pe.msg) : 0;
}

/* What the board cannot hold, said before anything is built. The link
   checks the rest (code beside the model in flash, data beside the arena
   in SRAM). */
static int check_fits(const sim_job *j, const sim_board *b, mcn_err *e)
{
    uint64_t samples = (uint64_t)j->sample_bytes * (uint64_t)j->n_samples;
    uint64_t counts = 4u * (uint64_t)(j->n_ops > 0 ? j->n_ops : 1);
    if (counts >= b->harness_bytes)
        return mcn_fail(e, "%d operators are more than %s's harness RAM "
                        "can count", j->n_ops, b->name);
    if (samples + counts > b->harness_bytes)
        return mcn_fail(e, "%d samples take %" PRIu64 " bytes; %s holds %"
                        PRIu64 " (split the batch)", j->n_samples, samples,
                        b->name, b->harness_bytes - counts);
    if (j->model_len > b->flash_bytes)
        return mcn_fail(e, "the model takes %zu bytes; %s has %u bytes of "
                        "flash for the model and the code", j->model_len,
                        b->name, (unsigned)b->flash_bytes);
    if (j->arena_bytes > b->sram_bytes - b->stack_bytes)
        return mcn_fail(e, "the arena needs %u bytes; %s has %u beside the "
                        "stack", (unsigned)j->arena_bytes, b->name,
                        (unsigned)(b->sram_bytes - b->stack_bytes));
    return 0;
}

int sim_job_run(const sim_job *j, sim_run *r, mcn_err *e)
{
    memset(r, 0, sizeof *r);
    const sim_board *b = j->board ? j->board
                                  : sim_board_find(SIM_DEFAULT_BOARD);
    if (j->n_outputs > SIM_MAX_OUTPUTS)
        return mcn_fail(e, "%d outputs; the harness reads %d at most",
                        j->n_outputs, SIM_MAX_OUTPUTS);
    if (check_fits(j, b, e))
        return -1;
    work w;
    memset(&w, 0, sizeof w);
    w.board = b;
    w.gen = j->gen_c != NULL;
    int rc = sim_check_tools(e);
    if (rc == 0)
        rc = find_arm(&w, j->arm_dir, w.gen, e);
    if (rc == 0)
        rc = make_dir(&w, j->keep_dir, e);
    if (rc == 0)
        rc = put_file(&w, "model.mcn", j->model, j->model_len, e);
    if (rc == 0)
        rc = put_file(&w, "samples.bin", j->samples,
                      j->sample_bytes * (size_t)j->n_samples, e);
    if (rc == 0)
        rc = put_run_s(&w, j, e);
    if (rc == 0 && w.gen)
        rc = compile_generated(&w, j, e);
    if (rc == 0)
        rc = link_firmware(&w, e);
    if (rc == 0)
        rc = measure(&w, r, e);
    if (rc == 0)
        rc = run_firmware(&w, j, r, e);
    work_free(&w);
    return rc;
}

void sim_run_free(sim_run *r)
{
    sim_results_free(&r->res);
    memset(r, 0, sizeof *r);
}
