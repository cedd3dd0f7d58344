/*
 * `ppcrr trace info` and `ppcrr trace dump` (see trace_tools.h), and the
 * steps every trace tool shares (opening the trace, saying how reading it
 * ended, checking that the report was written), so that all of them word
 * these the same.
 *
 * A trace cut short still prints everything it holds; the reader's warning
 * then goes to ERR. A corrupt trace prints up to the damage, then the error,
 * and the tool exits 1.
 */
#include "traces/trace_tools.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "traces/trace_format.h"
#include "traces/trace_reader.h"

struct trace_reader *trace_tool_open(const char *path, struct trace_error *err, FILE *errout)
{
    struct trace_reader *r = trace_reader_open(path, err);
    if (!r)
        fprintf(errout, "ppcrr: %s\n", err->msg);
    return r;
}

int trace_tool_verdict(FILE *err, const struct trace_reader *r, const char *error)
{
    if (error) {
        fprintf(err, "ppcrr: %s\n", error);
        return 1;
    }
    if (trace_reader_warning(r))
        fprintf(err, "ppcrr: warning: %s\n", trace_reader_warning(r));
    return 0;
}

int trace_tool_finish_output(FILE *out, FILE *err, int status)
{
    if (fflush(out) != 0 || ferror(out)) {
        fprintf(err, "ppcrr: cannot write the output: %s\n", strerror(errno));
        return 1;
    }
    return status;
}

static void print_header(FILE *out, const struct trace_reader *r)
{
    const Ppcrr__Header *h = trace_reader_header(r);
    fprintf(out, "file:               %s\n", trace_reader_name(r));
    fprintf(out, "format:             %" PRIu32 " (readable by format %" PRIu32 " readers and newer)\n",
            h->format_version, h->min_reader_version);
    fputs("written by:         ppcrr ", out);
    trace_print_text(out, h->emulator_version[0] ? h->emulator_version : "?");
    fputs(", build id ", out);
    trace_print_text(out, h->build_id[0] ? h->build_id : "?");
    fputs("\ncommand line:      ", out);
    for (size_t i = 0; i < h->n_command_line; i++) {
        fputc(' ', out);
        trace_print_text(out, h->command_line[i]);
    }
    fputc('\n', out);
    fprintf(out, "vCPUs:              %" PRIu32 "\n", h->vcpus);
    fprintf(out, "timebase:           %" PRIu64 " Hz\n", h->timebase_frequency);
    if (h->checkpoint_interval == UINT64_MAX)
        fputs("checkpoints:        one, at the end\n", out);
    else if (h->checkpoint_interval)
        fprintf(out, "checkpoints:        every %" PRIu64 " instructions\n", h->checkpoint_interval);
    if (h->restored_from && h->restored_from[0]) {
        fputs("restored from:      ", out);
        trace_print_text(out, h->restored_from);
        fputs(" (replay with --restore)\n", out);
    }
    fprintf(out, "device tree:        %zu bytes\n", h->device_tree.len);
    for (size_t i = 0; i < h->n_image; i++) {
        const Ppcrr__Image *im = h->image[i];
        fputs("image:              ", out);
        trace_print_text(out, im->name);
        fputc(' ', out);
        trace_print_text(out, im->path);
        fprintf(out, ", %" PRIu64 " bytes, sha256 ", im->size);
        trace_print_hex(out, im->sha256.data, im->sha256.len);
        fputc('\n', out);
    }
    fprintf(out, "strings:            %" PRIu32 "\n", trace_reader_string_count(r));
    fprintf(out, "hcalls described:   %zu\n", h->n_hcall_info);
}

int trace_tool_info(const char *path, FILE *out, FILE *errout)
{
    struct trace_error err;
    struct trace_reader *r = trace_tool_open(path, &err, errout);
    if (!r)
        return 1;
    print_header(out, r);

    uint64_t per_kind[PPCRR__EVENT__KIND_KEYFRAME + 1] = { 0 };
    uint64_t events = 0, first = 0, last = 0;
    uint32_t cpus_seen = 0;
    struct trace_event e;
    int rc;
    while ((rc = trace_reader_next(r, &e, &err)) == 1) {
        if (events++ == 0)
            first = e.icount;
        last = e.icount;
        if ((size_t)e.ev->kind_case <= PPCRR__EVENT__KIND_KEYFRAME)
            per_kind[e.ev->kind_case]++;
        if (e.ev->cpu >= cpus_seen)
            cpus_seen = e.ev->cpu + 1;
    }

    const struct trace_reader_stats *s = trace_reader_stats(r);
    const Ppcrr__Index *idx = trace_reader_index(r);
    fprintf(out, "index:              %s\n", idx ? "present" : "absent");
    fprintf(out, "chunks:             %" PRIu64 "\n", s->chunks);
    fprintf(out, "events:             %" PRIu64 "\n", events);
    for (int k = PPCRR__EVENT__KIND_HCALL; k <= PPCRR__EVENT__KIND_KEYFRAME; k++)
        if (per_kind[k])
            fprintf(out, "  %-17s %" PRIu64 "\n", trace_kind_name((Ppcrr__Event__KindCase)k), per_kind[k]);
    if (events)
        fprintf(out, "icount range:       %" PRIu64 " .. %" PRIu64 "\n", first, last);
    fprintf(out, "vCPUs with events:  %" PRIu32 "\n", cpus_seen);
    /* Whether the trace is whole: a killed recorder leaves no index (and
     * no exit event); what it did write is still read, up to the last
     * complete chunk. */
    if (rc < 0)
        fputs("status:             damaged (see the error below)\n", out);
    else if (trace_reader_warning(r))
        fputs("status:             truncated: the events up to the last complete chunk are above\n", out);
    else
        fprintf(out, "status:             complete%s\n",
                per_kind[PPCRR__EVENT__KIND_EXIT] ? "" : " (but no exit event)");
    fprintf(out, "file size:          %" PRIu64 " bytes\n", trace_reader_file_size(r));
    fprintf(out, "event data:         %" PRIu64 " bytes compressed, %" PRIu64 " uncompressed",
            s->compressed_bytes, s->uncompressed_bytes);
    if (s->compressed_bytes)
        fprintf(out, " (ratio %.2f)", (double)s->uncompressed_bytes / (double)s->compressed_bytes);
    fputc('\n', out);
    if (events)
        fprintf(out, "bytes per event:    %.2f on disk\n", (double)s->compressed_bytes / (double)events);

    int status = trace_tool_verdict(errout, r, rc < 0 ? err.msg : NULL);
    trace_reader_close(r);
    return trace_tool_finish_output(out, errout, status);
}

int trace_tool_dump(const char *path, const struct trace_dump_options *opt, FILE *out, FILE *errout)
{
    struct trace_error err;
    struct trace_reader *r = trace_tool_open(path, &err, errout);
    if (!r)
        return 1;
    int rc = opt->from_icount ? trace_reader_seek(r, opt->from_icount, &err) : 0;
    struct trace_event e;
    while (rc == 0 && (rc = trace_reader_next(r, &e, &err)) == 1) {
        if (e.icount > opt->to_icount) {
            rc = 0;
            break;
        }
        if (opt->json)
            trace_format_json(out, r, &e);
        else
            trace_format_text(out, r, &e);
        rc = 0;
    }
    /* What was dumped goes out before the error or warning about it. */
    if (rc < 0 || trace_reader_warning(r))
        fflush(out);
    int status = trace_tool_verdict(errout, r, rc < 0 ? err.msg : NULL);
    trace_reader_close(r);
    return trace_tool_finish_output(out, errout, status);
}
