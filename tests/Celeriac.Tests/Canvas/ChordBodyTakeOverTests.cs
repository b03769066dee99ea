using Celeriac.Backends;
using Celeriac.Canvas;
using Celeriac.Protocol.Results;

namespace Celeriac.Tests.Canvas;

/// <summary>
/// A worker completes a chord's join and dies before sending the body: its part, redelivered,
/// sends the body once the claim's lease has passed (<see cref="ChordClaim"/>), and not before.
/// The dead worker is played by adding its part to the join directly; the clock is virtual.
/// </summary>
public sealed class ChordBodyTakeOverTests : IAsyncLifetime
{
    private CanvasBed _c = null!;

    public async Task InitializeAsync() => _c = await CanvasBed.StartAsync();

    public async Task DisposeAsync() => await _c.DisposeAsync();

    [Fact]
    public async Task A_redelivered_completing_part_sends_the_body_after_the_lease()
    {
        var (body, part) = await CompletedByADeadWorkerAsync();

        _c.Bed.Clock.Advance(_c.App.Options.ChordClaimLease);
        await _c.SendAsync(part);

        (await _c.DoneAsync(body.Id!)).Result!.ToJsonString().Should().Be("[[2]]");
        var sent = _c.Sent("c.echo").Should().ContainSingle().Subject;
        sent.ParentId.Should().Be(part.Id);
        (await ((IChordJoin)_c.App.Backend).GetChordPartsAsync(part.Options["group_id"]!.GetValue<string>())).Should().BeEmpty("the join is deleted once the body is out");
    }

    [Fact]
    public async Task A_part_redelivered_within_the_lease_leaves_the_body_to_the_claim_holder()
    {
        var (_, part) = await CompletedByADeadWorkerAsync();

        _c.Bed.Clock.Advance(_c.App.Options.ChordClaimLease - TimeSpan.FromSeconds(1));
        await _c.SendAsync(part);
        await _c.DoneAsync(part.Id!); // the join is done before the part's run is reported

        _c.Sent("c.echo").Should().BeEmpty("the worker holding the claim may still be sending it");
    }

    [Fact]
    public async Task A_chord_that_failed_is_closed_so_a_late_redelivered_part_does_not_fail_it_again()
    {
        var body = new Signature("c.echo").LinkError(new Signature("c.on_error"));
        body.Freeze();
        var groupId = Guid.NewGuid().ToString();
        await ((IChordJoin)_c.App.Backend).SetChordSizeAsync(groupId, 1);
        var part = new Signature("c.fail", ["boom"]);
        part.Options["group_id"] = groupId;
        part.Options["group_index"] = 0;
        part.Options["chord"] = body.ToJson();
        part.Freeze();
        await _c.SendAsync(part);
        await _c.DoneAsync(part.Id!); // the join is done before the part's run is reported
        (await _c.Bed.StoredAsync(body.Id!)).Exception!.Type.Should().Be("ChordError");

        _c.Bed.Clock.Advance(TimeSpan.FromHours(1));
        await _c.SendAsync(part); // redelivered long after: the join's keys are still there (left to expire)
        await _c.Bed.Signals.WaitForAsync(s => s.Kind == Worker.WorkerSignalKind.Completed && s.TaskId == part.Id, 2, "second run of the part");

        _c.Sent("c.on_error").Should().ContainSingle("the body was failed once; its errback is not sent again");
    }

    private async Task<(Signature Body, Signature Part)> CompletedByADeadWorkerAsync()
    {
        var body = new Signature("c.echo");
        body.Freeze();
        var groupId = Guid.NewGuid().ToString();
        var join = (IChordJoin)_c.App.Backend;
        await join.SetChordSizeAsync(groupId, 1);
        var part = new Signature("c.add", [1, 1]);
        part.Options["group_id"] = groupId;
        part.Options["group_index"] = 0;
        part.Options["chord"] = body.ToJson();
        var partId = part.Freeze();
        var claim = new ChordClaim(_c.App.Options.TimeProvider.GetUtcNow(), _c.App.Options.ChordClaimLease);
        var progress = await join.AddChordPartAsync(groupId, 0, new ResultMeta { TaskId = partId, Status = TaskStates.Success, Result = 2 }, claim);
        progress.IsComplete.Should().BeTrue("the dead worker's add completed the header; it never sent the body");
        return (body, part);
    }
}
