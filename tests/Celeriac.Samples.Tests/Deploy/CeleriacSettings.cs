using System.Collections;
using Celeriac.Configuration;
using Microsoft.Extensions.Configuration;

namespace Celeriac.Samples.Tests.Deploy;

/// <summary>Celeriac's options as a container's environment sets them, bound the way the apps bind them.</summary>
internal static class CeleriacSettings
{
    public const string Prefix = "Celeriac__";

    /// <summary>The options the <c>Celeriac__*</c> variables of <paramref name="environment"/> make.</summary>
    public static CeleriacOptions From(IReadOnlyDictionary<string, string> environment) => Bind(new CeleriacOptions(), environment);

    /// <summary>Applies the <c>Celeriac__*</c> variables of <paramref name="environment"/> to <paramref name="options"/>.</summary>
    public static CeleriacOptions Bind(CeleriacOptions options, IReadOnlyDictionary<string, string> environment)
    {
        var pairs = environment.Where(p => p.Key.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(p => new KeyValuePair<string, string?>(SampleHost.ConfigurationKey(p.Key), p.Value));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(pairs).Build();
        return CeleriacConfiguration.Bind(options, configuration.GetSection("Celeriac"));
    }

    /// <summary>
    /// True when <paramref name="variable"/> changes a setting. CeleriacConfiguration ignores keys it does
    /// not know, so a misspelt variable would silently do nothing; comparing with the defaults catches it.
    /// </summary>
    public static bool Binds(string variable, string value)
    {
        var bound = From(new Dictionary<string, string> { [variable] = value });
        var defaults = new CeleriacOptions();
        foreach (var property in typeof(CeleriacOptions).GetProperties())
        {
            if (property.GetIndexParameters().Length > 0 || !property.CanRead) continue;
            var (a, b) = (property.GetValue(bound), property.GetValue(defaults));
            var differs = (a, b) switch
            {
                (ICollection x, ICollection y) => x.Count != y.Count,
                (null, null) => false,
                _ when a?.GetType() is { IsValueType: true } || a is string || b is string => !Equals(a, b),
                _ => false,
            };
            if (differs) return true;
        }
        return false;
    }
}
