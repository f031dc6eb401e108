// A lighter echo load generator than NetLoad, for seeing what NetLoad's own cost hides
// (bench/README.md, round 19): CLIENTS connections on one epoll, each sending a line and sending it
// again as soon as the answer is back; a warm-up second, then SECONDS counted; prints the round
// trips a second. With SPIN set it polls (epoll_wait returns at once) instead of sleeping.
//
//   cc -O2 -o /tmp/poll_client bench/net/poll_client.c
//   PORT=5555 .build/release/scr bench/net/echo_server.scr &
//   /tmp/poll_client 5555 50 3
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: poll_client PORT CLIENTS SECONDS\n");
        return 2;
    }
    int port = atoi(argv[1]), clients = atoi(argv[2]);
    double seconds = atof(argv[3]);
    int spin = getenv("SPIN") != NULL;
    const char *line = "ping from the load generator\n";  // NetLoad's line
    size_t length = strlen(line);

    int poll = epoll_create1(0);
    int *sockets = calloc(clients, sizeof(int));
    for (int i = 0; i < clients; i++) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
        if (connect(s, (struct sockaddr *)&address, sizeof address) != 0) {
            perror("connect");
            return 1;
        }
        int one = 1;
        setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fcntl(s, F_SETFL, O_NONBLOCK);
        sockets[i] = s;
        struct epoll_event event = {.events = EPOLLIN, .data.u32 = i};
        epoll_ctl(poll, EPOLL_CTL_ADD, s, &event);
        send(s, line, length, 0);
    }

    long answers = 0, counted = 0;
    double started = now(), began = 0;
    int counting = 0;
    char buffer[4096];
    struct epoll_event ready[64];
    for (;;) {
        double t = now();
        if (!counting && t - started >= 1.0) {
            counting = 1;
            counted = answers;
            began = t;
        }
        if (counting && t - began >= seconds) break;
        int count = epoll_wait(poll, ready, 64, spin ? 0 : 100);
        for (int j = 0; j < count; j++) {
            int s = sockets[ready[j].data.u32];
            ssize_t received = recv(s, buffer, sizeof buffer, 0);
            // An answer is complete at its newline (one may arrive in pieces).
            for (ssize_t b = 0; b < received; b++) {
                if (buffer[b] == '\n') {
                    answers++;
                    send(s, line, length, 0);
                }
            }
        }
    }
    printf("%ld\n", (long)((answers - counted) / (now() - began)));
    return 0;
}
