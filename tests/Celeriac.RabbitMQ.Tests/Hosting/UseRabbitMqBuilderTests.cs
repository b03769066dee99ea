using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Celeriac.RabbitMQ.Tests.Hosting;

/// <summary><c>UseRabbitMq()</c> on the hosting builder registers the AMQP schemes and <c>rpc://</c>, so start-up validation accepts them.</summary>
public sealed class UseRabbitMqBuilderTests
{
    private static ServiceProvider Build(bool useRabbitMq)
    {
        var services = new ServiceCollection();
        var celeriac = services.AddCeleriac(o =>
        {
            o.BrokerUrl = "amqp://guest:guest@localhost:5672//";
            o.ResultBackend = "rpc://";
        });
        if (useRabbitMq) celeriac.UseRabbitMq();
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task The_amqp_broker_and_rpc_backend_pass_start_up_validation()
    {
        await using var provider = Build(useRabbitMq: true);
        provider.GetRequiredService<IStartupValidator>().Validate();
        var options = provider.GetRequiredService<IOptions<CeleriacOptions>>().Value;
        Assert.True(options.Providers.HasTransport("amqp"));
        Assert.True(options.Providers.HasBackend("rpc"));
    }

    [Fact]
    public async Task Without_it_validation_says_to_call_it()
    {
        await using var provider = Build(useRabbitMq: false);
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("broker_url 'amqp://guest:********@localhost:5672//' needs a transport for 'amqp://'", error.Message);
        Assert.Contains("result_backend 'rpc://' needs a result backend for 'rpc://'", error.Message);
        Assert.Contains("UseRabbitMq()", error.Message);
    }
}
