using System.Text.Json.Nodes;
using Celeriac.Backends;
using Celeriac.Canvas;
using Celeriac.Protocol.Results;

namespace Celeriac.Tests.Canvas;

/// <summary>
/// Chords built by hand from plain signatures, the way a Python producer sends them (docs/protocol.md §1.9,
/// vector task_v2_07_chord_header): the size set in the join, each header message with
/// <c>group</c>, <c>group_index</c> and <c>embed.chord</c> = the frozen body.
/// </summary>
public sealed class ChordTests : IAsyncLifetime
{
    private CanvasBed _c = null!;

    public async Task InitializeAsync() => _c = await CanvasBed.StartAsync();

    public async Task DisposeAsync() => await _c.DisposeAsync();

    /// <summary>Sends the header parts of a chord whose body is <paramref name="body"/>; returns their ids.</summary>
    internal static async Task<(string GroupId, List<string> Parts)> SendChordAsync(CanvasBed c, Signature body, params Signature[] header)
    {
        body.Freeze();
        var groupId = Guid.NewGuid().ToString();
        await ((IChordJoin)c.App.Backend).SetChordSizeAsync(groupId, header.Length);
        var parts = new List<string>();
        for (var i = 0; i < header.Length; i++)
        {
            header[i].Options["group_id"] = groupId;
            header[i].Options["group_index"] = i;
            header[i].Options["chord"] = body.ToJson();
            parts.Add(header[i].Freeze());
        }
        foreach (var part in header) await c.SendAsync(part);
        return (groupId, parts);
    }

    [Fact]
    public async Task The_body_runs_once_with_the_results_ordered_by_group_index()
    {
        var body = new Signature("c.echo");
        var (groupId, parts) = await SendChordAsync(_c, body, Enumerable.Range(0, 6).Select(i => new Signature("c.mul", [i, 10])).ToArray());

        var meta = await _c.DoneAsync(body.Id!);

        meta.Result!.ToJsonString().Should().Be("[[0,10,20,30,40,50]]");
        var sent = _c.Sent("c.echo").Should().ContainSingle().Subject;
        sent.Args.ToJsonString().Should().Be("[[0,10,20,30,40,50]]");
        parts.Should().Contain(sent.ParentId, "the body's parent is the header part that finished last");
        sent.RootId.Should().Be(sent.ParentId);
        (await ((IChordJoin)_c.App.Backend).GetChordPartsAsync(groupId)).Should().BeEmpty("the join's keys are deleted once the body is sent");
        foreach (var part in parts) (await _c.Bed.StoredAsync(part)).Status.Should().Be(TaskStates.Success);
    }

    [Fact]
    public async Task A_failed_header_part_fails_the_body_with_ChordError_and_sends_its_errback_once()
    {
        var body = new Signature("c.xsum").LinkError(new Signature("c.on_error"));
        var (_, parts) = await SendChordAsync(_c, body, new Signature("c.add", [1, 1]), new Signature("c.fail", ["header failed"]), new Signature("c.add", [2, 2]));

        var meta = await _c.DoneAsync(parts[1]);
        await _c.DoneAsync(parts[0]);
        await _c.DoneAsync(parts[2]);
        var stored = await _c.App.Result(body.Id!).WaitAsync(TimeSpan.FromSeconds(10));

        meta.Status.Should().Be(TaskStates.Failure);
        stored.Status.Should().Be(TaskStates.Failure);
        stored.Result!.ToJsonString().Should().Be(new JsonObject
        {
            ["exc_type"] = "ChordError",
            ["exc_message"] = new JsonArray($"Dependency {parts[1]} raised InvalidOperationException('header failed')"),
            ["exc_module"] = "celery.exceptions",
        }.ToJsonString());
        _c.Sent("c.xsum").Should().BeEmpty();
        var errback = _c.Sent("c.on_error").Should().ContainSingle().Subject;
        errback.Args.ToJsonString().Should().Be($"""["{body.Id}"]""");
        errback.ParentId.Should().Be(body.Id);
        (await _c.DoneAsync(errback.Id)).Result!.GetValue<string>().Should().Be(body.Id);
    }

    [Fact]
    public async Task An_expired_header_part_counts_as_revoked_and_fails_the_body()
    {
        var body = new Signature("c.xsum");
        var expired = new Signature("c.add", [1, 1], options: new JsonObject { ["expires"] = PythonInstant(_c.Bed.Clock.GetUtcNow().AddSeconds(-1)) });
        var (_, parts) = await SendChordAsync(_c, body, new Signature("c.add", [2, 2]), expired);

        await _c.DoneAsync(parts[1]);
        var stored = await _c.App.Result(body.Id!).WaitAsync(TimeSpan.FromSeconds(10));

        (await _c.Bed.StoredAsync(parts[1])).Status.Should().Be(TaskStates.Revoked);
        stored.Exception!.Message.Should().Be($"Dependency {parts[1]} raised TaskRevokedError('expired')");
    }

    private static string PythonInstant(DateTimeOffset at) => Protocol.Json.PythonDateTime.Format(at);
}
