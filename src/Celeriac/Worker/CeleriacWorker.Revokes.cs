using System.Text.Json.Nodes;

namespace Celeriac.Worker;

/// <content>Revokes that hold (docs/protocol.md §5.7): the revoked set, terminate, and per-worker rate and time limits set remotely.</content>
public sealed partial class CeleriacWorker
{
    /// <summary>The <c>revoke</c> command (and <c>terminate</c>, which is revoke with terminate on): the reply value.</summary>
    internal ValueTask<JsonNode?> RevokeCommandAsync(JsonObject arguments, bool terminate, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Ids in the revoked set now (<c>inspect revoked</c>).</summary>
    internal IReadOnlyList<string> RevokedIds => [];

    /// <summary>The revoked set as <c>hello</c> carries it: <c>{id: [timestamp, id]}</c>.</summary>
    internal JsonObject RevokedForHello() => new();

    /// <summary>Merges another node's revoked set from its <c>hello</c>.</summary>
    internal void MergeRevoked(JsonObject revoked) => throw new NotImplementedException();

    /// <summary>The <c>rate_limit</c> command: the reply value.</summary>
    internal JsonNode? RateLimitCommand(JsonObject arguments) => throw new NotImplementedException();

    /// <summary>The <c>time_limit</c> command: the reply value.</summary>
    internal JsonNode? TimeLimitCommand(JsonObject arguments) => throw new NotImplementedException();

    /// <summary>A revoked id is held until its task's expiry or this horizon; also loads revokes kept by the broker. Called at start.</summary>
    private Task StartRevokesAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
