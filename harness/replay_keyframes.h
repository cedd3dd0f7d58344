/*
 * Sharded replay (`ppcrr replay --keyframes K`): a trace recorded with
 * keyframes (snapshots saved as it ran, --snapshot-every/--snapshot-at) is
 * checked as independent segments, each from its keyframe's snapshot to
 * the next keyframe, whose state digest it must reach; the first segment
 * starts at the boot (or at the snapshot the trace was recorded from), the
 * last ends with the trace. Up to K segments run at once, each in a
 * worker process of its own (a run is one machine per process).
 *
 * A segment's name, "segment@ICOUNT" with its starting icount, is its key
 * for --shard I/N (harness/shard.h: the same hash and CI variables as the
 * harness's cases), so N machines given shards 1..N check every segment
 * exactly once, and adding keyframes further on moves no other segment.
 *
 * Exit status as a replay's: 0 every segment checked clean, 1 one or more
 * diverged (each named, with the replay's usual report), 2 the trace, a
 * snapshot or the command line was unusable.
 */
#ifndef PPCRR_HARNESS_REPLAY_KEYFRAMES_H
#define PPCRR_HARNESS_REPLAY_KEYFRAMES_H

#include <stdbool.h>
#include <stdint.h>

#define KEYFRAME_MAX_WORKERS 256

struct keyframe_segment {
    unsigned number;            /* 1-based, in trace order */
    char name[40];              /* "segment@ICOUNT": the shard key */
    uint64_t start, end;        /* icounts; end only if has_end */
    bool has_end;               /* false: to the trace's end */
    char *snapshot;             /* the file to restore, NULL: from the boot */
    char *inject;               /* this segment's --inject-hcall, or NULL */
};

struct keyframe_replay {
    const char *trace;
    const char *snapshot_dir;   /* --snapshot-dir, or NULL */
    const char *inject;         /* --inject-hcall NAME:N:RET, N from the boot */
    const char *shard;          /* --shard I/N, or NULL */
    unsigned workers;
    /* In a worker process: replays SEG, printing its report on stderr;
     * returns the replay's exit status. */
    int (*run)(void *ctx, const struct keyframe_segment *seg);
    void *ctx;
};

/* Checks the trace's segments (this shard's); prints one line per
 * segment, a divergence's report, and a summary on stderr. */
int replay_keyframes(const struct keyframe_replay *k);

#endif
