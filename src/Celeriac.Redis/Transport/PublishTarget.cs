namespace Celeriac.Redis.Transport;

/// <summary>
/// Where one publish goes on Redis, resolved before anything is written: the list keys to LPUSH
/// (priority step applied), or the fanout channel to PUBLISH on; neither when the message is
/// unroutable (kombu drops it with a warning).
/// </summary>
/// <param name="ListKeys">The lists that receive the envelope, in routing order.</param>
/// <param name="Channel">The fanout channel, or null when the message goes to lists.</param>
internal readonly record struct PublishTarget(IReadOnlyList<string> ListKeys, string? Channel)
{
    /// <summary>An unroutable message: nothing is written.</summary>
    public static PublishTarget Nowhere { get; } = new([], null);

    /// <summary>True when nothing receives the message.</summary>
    public bool IsNowhere => ListKeys.Count == 0 && Channel is null;
}
