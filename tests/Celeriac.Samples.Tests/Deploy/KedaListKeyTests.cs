using System.Globalization;
using Celeriac.Redis;
using Celeriac.Redis.Client;
using Celeriac.Redis.Layout;
using Celeriac.Redis.Resp;
using Celeriac.Redis.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Celeriac.Samples.Tests.Deploy;

/// <summary>
/// KEDA's Redis list scaler runs <c>LLEN listName</c> on <c>databaseIndex</c>. On a real redis-server, a task
/// sent with the worker's settings lands in exactly that list — and one sent with a priority lands beside it,
/// which is what deploy/README.md says about priorities.
/// </summary>
[Collection(DeployHostsCollection.Name)]
public sealed class KedaListKeyTests
{
    [RedisFact]
    public async Task The_list_KEDA_counts_is_where_the_workers_settings_send_and_a_priority_send_lands_beside_it()
    {
        var manifests = Manifests.Load();
        var environment = manifests.Environment(manifests.Single("Deployment", "webshop-worker").Containers[0]);
        var metadata = manifests.Single("ScaledObject", "webshop-worker").Root.Map("spec").Seq("triggers").Cast<YamlMappingNode>().Single().Map("metadata");
        var listName = metadata.Scalar("listName");
        var database = int.Parse(metadata.Scalar("databaseIndex"), CultureInfo.InvariantCulture);

        await using var redis = await RedisServer.StartAsync();
        await using (var app = CeleriacApp.Create(o =>
        {
            CeleriacSettings.Bind(o, environment);
            o.BrokerUrl = redis.Url(database); // the manifest's database on this test's server
            o.ResultBackend = null;
            o.UseRedis();
        }))
        {
            await app.SendTaskAsync("orders.process", [1]);
            await app.SendTaskAsync("orders.process", [2]);
            await app.SendTaskAsync("orders.process", [3], options: new TaskSendOptions { Priority = 5 });
        }

        await using var client = new RedisClient(RedisConnectionOptions.Parse(redis.Url(database)));
        (await client.ExecuteAsync(new RedisCommand("LLEN", listName))).AsInt64().Should().Be(2, "the plain sends are in the list KEDA counts");
        var priorityList = new RedisLayout(database).QueueKey(listName, priority: 5);
        priorityList.Should().Be(listName + "\u0006\u0016" + "3", "kombu's priority step 3 list (priority_steps 0, 3, 6, 9)");
        (await client.ExecuteAsync(new RedisCommand("LLEN", priorityList))).AsInt64().Should().Be(1, "a priority send is not in the list KEDA counts");
    }
}
