using Microsoft.Extensions.Logging;

namespace Celeriac.Transport;

/// <summary>What a transport or backend factory gets: the parsed URL, the app's options and logging.</summary>
/// <param name="Url">The broker or backend URL.</param>
/// <param name="Options">The app's options (transport options, expiry, time provider, …).</param>
/// <param name="LoggerFactory">Where to log.</param>
/// <param name="Oid">The app's oid (the <c>reply_to</c> of every task it sends): the reply queue of an <c>rpc://</c> backend.</param>
internal sealed record ProviderContext(Uri Url, CeleriacOptions Options, ILoggerFactory LoggerFactory, string? Oid = null);
