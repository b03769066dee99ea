using System.Globalization;
using System.Text;

namespace Celeriac.Dashboard.Fleet;

/// <summary>
/// Prometheus' text exposition format 0.0.4, written by hand. prometheus-net and OpenTelemetry's exporter are built
/// around in-process instruments registered once per process; our numbers are read from the store at scrape time
/// (they survive restarts and are the same from every dashboard replica), and two dashboards mounted in one process
/// must not share a registry — a few lines of text do that with nothing to configure.
/// </summary>
internal sealed class PrometheusText
{
    private readonly StringBuilder _text = new();

    public void Family(string name, string type, string help)
    {
        _text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    public void Sample(string name, double value, params (string Name, string Value)[] labels)
    {
        _text.Append(name);
        if (labels.Length > 0)
        {
            _text.Append('{');
            for (var i = 0; i < labels.Length; i++)
            {
                if (i > 0) _text.Append(',');
                _text.Append(labels[i].Name).Append("=\"").Append(Escape(labels[i].Value)).Append('"');
            }
            _text.Append('}');
        }
        _text.Append(' ').Append(Number(value)).Append('\n');
    }

    public override string ToString() => _text.ToString();

    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
