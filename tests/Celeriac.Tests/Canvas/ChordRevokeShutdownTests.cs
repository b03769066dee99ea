using System.Text.Json.Nodes;
using Celeriac.Canvas;
using Celeriac.Protocol.Results;
using Celeriac.Tests.Support;
using Celeriac.Transport;
using Celeriac.Worker;

namespace Celeriac.Tests.Canvas;

/// <summary>
/// An expired chord header part is revoked in the background (it joins the chord while the fetch
/// loop moves on); shutdown waits for that work, so its message is acked and its part counted
/// rather than settled into a worker that has already closed its consumer.
/// </summary>
public sealed class ChordRevokeShutdownTests : IAsyncLifetime
{
    private HookedBackend _backend = null!;
    private CanvasBed _c = null!;

    public async Task InitializeAsync() => _c = await CanvasBed.StartAsync(o => HookedBackend.Install(o, b => _backend = b));

    public async Task DisposeAsync() => await _c.DisposeAsync();

    [Fact]
    public async Task Stop_waits_for_the_revoke_of_an_expired_chord_part_which_then_is_acked()
    {
        var revoking = new Gate();
        var release = new Gate();
        _ = _c.App.Backend; // created now, so _backend is set
        _backend.BeforeChordPart = async part =>
        {
            if (part.Status != TaskStates.Revoked) return;
            revoking.Open();
            await release.WaitAsync();
        };
        var body = new Signature("c.xsum");
        var expired = new Signature("c.add", [1, 1], options: new JsonObject { ["expires"] = Protocol.Json.PythonDateTime.Format(_c.Bed.Clock.GetUtcNow().AddSeconds(-1)) });
        var (_, parts) = await ChordTests.SendChordAsync(_c, body, expired, new Signature("c.add", [2, 2]));
        await revoking.WaitAsync();

        var stopping = _c.Worker.StopAsync();
        // Nothing else runs: without waiting for the revoke the stop would be over at once.
        (await Task.WhenAny(stopping, Task.Delay(TimeSpan.FromMilliseconds(500)))).Should().NotBe(stopping, "shutdown waits for the revoke");
        release.Open();
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));

        (await _c.Bed.StoredAsync(parts[0])).Status.Should().Be(TaskStates.Revoked);
        _c.Bed.Settlements.For(parts[0]).Should().Equal(SettleAction.Ack);
        var kinds = _c.Bed.Signals.All.Where(s => s.TaskId == parts[0] || s.Kind == WorkerSignalKind.Stopped).Select(s => s.Kind).ToList();
        kinds.Should().EndWith([WorkerSignalKind.Completed, WorkerSignalKind.Stopped]);
    }
}
