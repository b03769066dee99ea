using System.Globalization;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Results;
using Celeriac.Protocol.Tests.Support;

namespace Celeriac.Protocol.Tests.Vectors;

/// <summary>
/// Every stored task meta (<c>celery-task-meta-&lt;id&gt;</c>) parses, and writing it back gives Python's
/// object: same keys in the same order, same kinds, same values, <c>date_done</c> as the same text.
/// </summary>
public class ResultMetaVectorTests
{
    [Theory]
    [MemberData(nameof(VectorCatalog.ResultMetas), MemberType = typeof(VectorCatalog))]
    public void Meta_parses_and_reemits_what_python_stored(string file)
    {
        var r = Vector.Load(file).Obj("result");

        var meta = ResultMeta.Parse(r.Utf8("raw"));

        JsonComparer.Ordered.AssertEqual(r["decoded"], meta.ToJson(), file);
        JsonComparer.Ordered.AssertEqual(r["decoded"], JsonNode.Parse(meta.ToUtf8Bytes()), file + " bytes");
    }

    [Theory]
    [MemberData(nameof(VectorCatalog.ResultMetas), MemberType = typeof(VectorCatalog))]
    public void Meta_built_like_a_csharp_worker_equals_what_python_stored(string file)
    {
        // Typed values in, as a worker storing a result would have them; Python's JSON out.
        var d = Vector.Load(file).Obj("result").Obj("decoded");
        var status = d.Str("status");
        var stored = d["result"];
        var exc = TaskStates.IsException(status) && stored is JsonObject e
            ? ExceptionInfo.Of(e.Str("exc_type"), e.Str("exc_module"), e.Arr("exc_message")[0]!.GetValue<string>())
            : null;

        var meta = new ResultMeta
        {
            TaskId = d.Str("task_id"),
            Status = status,
            Result = exc?.ToJson() ?? stored?.DeepClone(),
            Traceback = d["traceback"]?.GetValue<string>(),
            Children = d.Arr("children").Count == 0 ? new JsonArray() : new JsonArray(d.Arr("children").Select(c => (JsonNode?)ResultTuple.FromJson(c).ToJson()).ToArray()),
            DateDone = d["date_done"] is null ? null : DateTime.SpecifyKind(DateTime.Parse(d.Str("date_done"), CultureInfo.InvariantCulture), DateTimeKind.Utc),
            GroupId = d["group_id"]?.GetValue<string>(),
            ParentId = d["parent_id"]?.GetValue<string>(),
            Extended = d.ContainsKey("name")
                ? new ExtendedResultFields(d.Str("name"), d.Arr("args").DeepClone().AsArray(), d.Obj("kwargs").DeepClone().AsObject(), d.Str("worker"), d["retries"]!.GetValue<int>(), d.Str("queue"))
                : null,
        };

        JsonComparer.Ordered.AssertEqual(d, meta.ToJson(), file);
    }

    [Theory]
    [MemberData(nameof(VectorCatalog.ResultMetas), MemberType = typeof(VectorCatalog))]
    public void Meta_fields_match_what_python_stored(string file)
    {
        var r = Vector.Load(file).Obj("result");
        var d = r.Obj("decoded");

        var meta = ResultMeta.Parse(r.Utf8("raw"));

        meta.TaskId.Should().Be(d.Str("task_id"));
        r.Str("redis_key").Should().Be("celery-task-meta-" + meta.TaskId);
        meta.Status.Should().Be(d.Str("status"));
        meta.IsReady.Should().Be(d["date_done"] is not null, "Python sets date_done only for ready states");
        meta.Traceback.Should().Be(d["traceback"]?.GetValue<string>());
        meta.GroupId.Should().Be(d["group_id"]?.GetValue<string>());
        meta.ParentId.Should().Be(d["parent_id"]?.GetValue<string>());
        JsonComparer.Strict.AssertEqual(d["result"], meta.Result, file + " result");
        JsonComparer.Strict.AssertEqual(d["children"], meta.Children, file + " children");
        if (d["date_done"]?.GetValue<string>() is { } text)
        {
            // 5.2 writes naive UTC; the BCL reads it as an unspecified-kind time we compare as UTC.
            var expected = DateTime.Parse(text, CultureInfo.InvariantCulture);
            meta.DateDone.Should().Be(DateTime.SpecifyKind(expected, DateTimeKind.Utc));
            meta.DateDone!.Value.Kind.Should().Be(DateTimeKind.Utc);
            PythonDateTime.FormatNaiveUtc(meta.DateDone.Value).Should().Be(text);
        }
        else
        {
            meta.DateDone.Should().BeNull();
        }
    }

    [Theory]
    [MemberData(nameof(VectorCatalog.ResultMetas), MemberType = typeof(VectorCatalog))]
    public void Extended_fields_are_read_when_present(string file)
    {
        var d = Vector.Load(file).Obj("result").Obj("decoded");

        var meta = ResultMeta.FromJson(d);

        if (!d.ContainsKey("name"))
        {
            meta.Extended.Should().BeNull();
            return;
        }
        var x = meta.Extended!;
        x.Name.Should().Be(d.Str("name"));
        x.Worker.Should().Be(d.Str("worker"));
        x.Queue.Should().Be(d.Str("queue"));
        x.Retries.Should().Be(d["retries"]!.GetValue<int>());
        JsonComparer.Strict.AssertEqual(d["args"], x.Args, file + " args");
        JsonComparer.Strict.AssertEqual(d["kwargs"], x.Kwargs, file + " kwargs");
    }

    [Theory]
    [MemberData(nameof(VectorCatalog.ResultMetas), MemberType = typeof(VectorCatalog))]
    public void Exception_states_carry_an_exception_that_round_trips(string file)
    {
        var d = Vector.Load(file).Obj("result").Obj("decoded");
        var meta = ResultMeta.FromJson(d);

        if (!TaskStates.IsException(meta.Status))
        {
            meta.Exception.Should().BeNull();
            return;
        }
        var exc = meta.Exception!;
        var stored = d.Obj("result");
        exc.Type.Should().Be(stored.Str("exc_type"));
        exc.Module.Should().Be(stored.Str("exc_module"));
        if (meta.Traceback is { } traceback)
        {
            // The traceback's last line is Python's own rendering: "<type>: <str(exc)>" for the
            // failure, or the Retry exception that wraps repr(exc) for a retry.
            var last = traceback.TrimEnd('\n').Split('\n')[^1];
            last.Should().EndWith(meta.Status == TaskStates.Retry ? exc.Repr : $"{exc.Type}: {exc.Message}");
        }
        else
        {
            exc.Message.Should().Be(stored.Arr("exc_message")[0]!.GetValue<string>());
        }
        JsonComparer.Ordered.AssertEqual(stored, exc.ToJson(), file + " exception");
    }

    [Theory]
    [InlineData("result_failure", "event_task_failed")]
    [InlineData("result_retry", "event_task_retried")]
    public void Exception_repr_matches_the_matching_event(string resultFile, string eventFile)
    {
        // The worker's task-failed/task-retried events carry repr(exc) for the exception it stored.
        var exc = ResultMeta.Parse(Vector.Load(resultFile).Obj("result").Utf8("raw")).Exception!;
        var evt = Vector.Load(eventFile).Obj("event").Arr("body_decoded")[0]!;

        exc.Repr.Should().Be(evt.Str("exception"));
    }

    [Fact]
    public void Revocation_reasons_are_task_revoked_errors()
    {
        foreach (var (file, reason) in new[] { ("result_revoked_expired", "expired"), ("result_revoked_countdown", "revoked"), ("result_revoked_terminated", "terminated") })
        {
            var exc = ResultMeta.Parse(Vector.Load(file).Obj("result").Utf8("raw")).Exception!;
            exc.Type.Should().Be("TaskRevokedError");
            exc.Module.Should().Be("celery.exceptions");
            exc.Message.Should().Be(reason);
            exc.Repr.Should().Be($"TaskRevokedError('{reason}')");
        }
    }

    [Fact]
    public void Chord_error_names_the_failed_header_task_by_its_repr()
    {
        var exc = ResultMeta.Parse(Vector.Load("result_chord_body_chord_error").Obj("result").Utf8("raw")).Exception!;
        var header = ExceptionInfo.Of("ValueError", "builtins", "header failed");

        exc.Type.Should().Be("ChordError");
        exc.Module.Should().Be("celery.exceptions");
        exc.Message.Should().MatchRegex($"^Dependency [0-9a-f-]{{36}} raised {System.Text.RegularExpressions.Regex.Escape(header.Repr)}$");
    }

    [Fact]
    public void Handcrafted_envelope_outcomes_are_metas_we_read_and_write_back()
    {
        // interop_handcrafted_envelopes records what the Python worker stored for each case.
        foreach (var c in Vector.Load(VectorCatalog.HandcraftedEnvelopes).Arr("cases"))
        {
            if (c!["stored_result"] is not JsonObject stored) continue;
            JsonComparer.Ordered.AssertEqual(stored, ResultMeta.FromJson(stored).ToJson(), c.Str("case"));
        }
    }
}
