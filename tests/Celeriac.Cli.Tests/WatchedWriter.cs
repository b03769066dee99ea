using System.Text;

namespace Celeriac.Cli.Tests;

/// <summary>A thread-safe writer a test can await: <see cref="WaitForAsync"/> completes once the text holds enough of a phrase.</summary>
internal sealed class WatchedWriter : TextWriter
{
    private readonly Lock _lock = new();
    private readonly StringBuilder _text = new();
    private readonly List<(string Phrase, int Count, TaskCompletionSource Seen)> _waiters = [];

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_lock)
        {
            _text.Append(value);
            if (value != '\n') return;
            var text = _text.ToString();
            foreach (var waiter in _waiters.Where(w => Occurrences(text, w.Phrase) >= w.Count).ToList())
            {
                waiter.Seen.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    public override string ToString()
    {
        lock (_lock) return _text.ToString();
    }

    /// <summary>Completes once <paramref name="phrase"/> occurs <paramref name="count"/> times in whole lines written so far.</summary>
    public Task WaitForAsync(string phrase, int count, TimeSpan timeout)
    {
        lock (_lock)
        {
            if (Occurrences(_text.ToString(), phrase) >= count) return Task.CompletedTask;
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((phrase, count, seen));
            return seen.Task.WaitAsync(timeout);
        }
    }

    private static int Occurrences(string text, string phrase)
    {
        var count = 0;
        for (var i = text.IndexOf(phrase, StringComparison.Ordinal); i >= 0; i = text.IndexOf(phrase, i + phrase.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
