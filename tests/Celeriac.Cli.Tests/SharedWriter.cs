using System.Text;

namespace Celeriac.Cli.Tests;

/// <summary>A writer a running command writes to while the test reads what it wrote so far.</summary>
internal sealed class SharedWriter : TextWriter
{
    private readonly StringBuilder _text = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    public string Text
    {
        get
        {
            lock (_gate) return _text.ToString();
        }
    }

    public override void Write(char value)
    {
        lock (_gate) _text.Append(value);
    }

    public override void Write(string? value)
    {
        lock (_gate) _text.Append(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_gate) _text.Append(buffer, index, count);
    }
}
