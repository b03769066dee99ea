using System.Buffers;

namespace Celeriac.Redis.Tests.Resp;

/// <summary>Builds multi-segment sequences, as a PipeReader hands them out when data arrives in pieces.</summary>
internal static class ChunkedSequence
{
    public static ReadOnlySequence<byte> From(IReadOnlyList<byte[]> chunks)
    {
        if (chunks.Count == 0) return ReadOnlySequence<byte>.Empty;
        var first = new Segment(chunks[0], 0);
        var last = first;
        for (var i = 1; i < chunks.Count; i++) last = last.Append(chunks[i]);
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Cuts <paramref name="data"/> at the given sizes (the last piece takes the rest).</summary>
    public static List<byte[]> Split(byte[] data, IEnumerable<int> sizes)
    {
        var chunks = new List<byte[]>();
        var at = 0;
        foreach (var size in sizes)
        {
            if (at >= data.Length) break;
            var take = Math.Min(size, data.Length - at);
            chunks.Add(data[at..(at + take)]);
            at += take;
        }
        if (at < data.Length) chunks.Add(data[at..]);
        return chunks;
    }

    public static IEnumerable<int> RandomSizes(int seed, int max)
    {
        var random = new Random(seed);
        while (true) yield return random.Next(1, max + 1);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes, long runningIndex)
        {
            Memory = bytes;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] bytes)
        {
            var next = new Segment(bytes, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
