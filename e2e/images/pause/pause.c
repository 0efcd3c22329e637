/* The pod sandbox process: holds the pod's namespaces, reaps orphaned children and
 * exits on SIGINT/SIGTERM. Built statically here (e2e/infra/images.sh) because no
 * image registry is reachable; containerd's sandbox_image in the kind node names it. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_stop(int sig) { (void)sig; _exit(0); }

static void on_child(int sig) {
  (void)sig;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}

int main(int argc, char **argv) {
  if (argc > 1 && argv[1][0] == '-' && argv[1][1] == 'v') {
    puts("slipway-pause 1.0");
    return 0;
  }
  if (getpid() != 1) fprintf(stderr, "pause: warning: not PID 1 of its namespace\n");
  struct sigaction stop = {.sa_handler = on_stop}, child = {.sa_handler = on_child, .sa_flags = SA_NOCLDSTOP};
  sigaction(SIGINT, &stop, NULL);
  sigaction(SIGTERM, &stop, NULL);
  sigaction(SIGCHLD, &child, NULL);
  for (;;) pause();
}
