namespace Celeriac.Memory;

/// <summary>
/// AMQP topic matching for in-memory fanout: words split at <c>.</c>, <c>*</c> is exactly one word,
/// <c>#</c> is zero or more words. An empty binding key matches everything, as
/// <see cref="Transport.IBroadcast.SubscribeAsync"/> defines it.
/// </summary>
internal static class TopicMatcher
{
    public static bool Matches(string bindingKey, string routingKey)
    {
        if (bindingKey.Length == 0) return true;
        return Match(bindingKey.Split('.'), 0, routingKey.Length == 0 ? [] : routingKey.Split('.'), 0);
    }

    private static bool Match(string[] pattern, int p, string[] words, int w)
    {
        while (p < pattern.Length)
        {
            var part = pattern[p];
            if (part == "#")
            {
                // '#' takes as many words as the rest of the pattern leaves over: try each split.
                for (var skip = w; skip <= words.Length; skip++)
                    if (Match(pattern, p + 1, words, skip)) return true;
                return false;
            }
            if (w >= words.Length) return false;
            if (part != "*" && !string.Equals(part, words[w], StringComparison.Ordinal)) return false;
            p++;
            w++;
        }
        return w == words.Length;
    }
}
