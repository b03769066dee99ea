using Celeriac.Hosting;

namespace Celeriac;

/// <summary>Registers Redis with a hosted Celeriac app: <c>services.AddCeleriac(…).UseRedis()</c>.</summary>
public static class RedisCeleriacBuilderExtensions
{
    /// <summary>
    /// Adds the <c>redis://</c> and <c>rediss://</c> schemes for the broker and the result backend,
    /// as <see cref="RedisCeleriacOptionsExtensions.UseRedis(CeleriacOptions)"/> does for an app made by hand.
    /// </summary>
    /// <param name="builder">The builder from <c>AddCeleriac</c>.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static CeleriacBuilder UseRedis(this CeleriacBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Configure(o => o.UseRedis());
    }
}
