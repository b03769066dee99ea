using System.Net;
using System.Text;

namespace Celeriac.CommandLine.Commands.Worker;

/// <summary>
/// Celery's <c>-n</c>: <c>default_nodename</c> (a name without <c>@</c> is the host part: <c>w1</c> → <c>celery@w1</c>)
/// then <c>host_format</c>: <c>%h</c> the host name, <c>%n</c> its first label, <c>%d</c> the rest (the domain),
/// <c>%i</c>/<c>%I</c> the pool process index (always 0 here, one process), <c>%%</c> a percent sign.
/// </summary>
internal static class NodeName
{
    public static string Expand(string value, string? host = null)
    {
        host ??= Dns.GetHostName();
        var at = value.IndexOf('@', StringComparison.Ordinal);
        var name = at < 0 ? "celery@" + value : (at == 0 ? "celery" + value : value);
        if (at >= 0 && at == value.Length - 1) name += host;
        var dot = host.IndexOf('.', StringComparison.Ordinal);
        var (label, domain) = dot < 0 ? (host, "") : (host[..dot], host[(dot + 1)..]);
        var text = new StringBuilder(name.Length + host.Length);
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] != '%' || i == name.Length - 1)
            {
                text.Append(name[i]);
                continue;
            }
            var code = name[++i];
            text.Append(code switch
            {
                'h' => host,
                'n' => label,
                'd' => domain,
                'i' => "0",
                'I' => "",
                '%' => "%",
                _ => "%" + code, // Celery leaves an unknown %x as it is
            });
        }
        return text.ToString();
    }
}
