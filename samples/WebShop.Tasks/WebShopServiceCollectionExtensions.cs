using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WebShop.Tasks.Orders;

namespace WebShop.Tasks;

/// <summary>The services the shop's tasks take.</summary>
public static class WebShopServiceCollectionExtensions
{
    /// <summary>
    /// Adds the payment provider (a singleton fake, configured from <c>WebShop:Payments</c>), the
    /// ledger (singleton) and the unit of work (scoped: one per task run).
    /// </summary>
    public static IServiceCollection AddWebShopServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PaymentOptions>(configuration.GetSection(PaymentOptions.Section));
        services.AddSingleton<FlakyPaymentGateway>();
        services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<FlakyPaymentGateway>());
        services.AddSingleton<OrderLedger>();
        services.AddScoped<OrderUnitOfWork>();
        return services;
    }

    /// <summary>Reads <see cref="PaymentOptions"/> now, for the task options fixed at registration.</summary>
    public static PaymentOptions ReadPaymentOptions(this IConfiguration configuration) =>
        configuration.GetSection(PaymentOptions.Section).Get<PaymentOptions>() ?? new PaymentOptions();
}
