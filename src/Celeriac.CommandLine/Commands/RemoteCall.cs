using System.Text.Json.Nodes;
using Celeriac.Control;

namespace Celeriac.CommandLine.Commands;

/// <summary>
/// Sends one remote-control command through the app's control client (<see cref="CeleriacControl.BroadcastAsync"/>)
/// and collects the raw replies, which <c>--json</c> prints as they came.
/// </summary>
internal static class RemoteCall
{
    /// <exception cref="CliException">No worker replied (exit 3).</exception>
    public static async Task<IReadOnlyDictionary<string, JsonNode?>> RequestAsync(CliSettings settings, string method, JsonObject arguments, CancellationToken cancellationToken)
    {
        var lease = CliAppFactory.Open(settings);
        await using (lease.ConfigureAwait(false))
        {
            var replies = await lease.App.Control.BroadcastAsync(method, arguments, new ControlCallOptions
            {
                Destination = settings.Destination.Count > 0 ? settings.Destination : null,
                Timeout = settings.Timeout,
                Reply = true,
            }, cancellationToken).ConfigureAwait(false);
            return replies.Count > 0 ? replies : throw CliException.NoReply();
        }
    }
}
