namespace WebShop.Tasks.Orders;

/// <summary>The fake payment provider's behaviour and the retry policy of <c>orders.process</c> (config section <c>WebShop:Payments</c>).</summary>
public sealed class PaymentOptions
{
    /// <summary>The configuration section these bind from.</summary>
    public const string Section = "WebShop:Payments";

    /// <summary>Calls per order that fail with <see cref="PaymentUnavailableException"/> before one succeeds; default 2.</summary>
    public int FailuresPerOrder { get; set; } = 2;

    /// <summary>Retries <c>orders.process</c> makes before it gives up (<c>max_retries</c>); default 5.</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>Longest wait between two retries (<c>retry_backoff_max</c>); default 30 s.</summary>
    public TimeSpan RetryBackoffMax { get; set; } = TimeSpan.FromSeconds(30);
}
