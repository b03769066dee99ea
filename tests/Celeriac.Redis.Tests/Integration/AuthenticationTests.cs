using Celeriac.Redis.Client;
using Celeriac.Redis.Resp;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Redis.Tests.Integration;

public sealed class AuthenticationTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private readonly string _user = $"worker-{Guid.NewGuid():N}";

    private async Task CreateUserAsync(string password)
    {
        await using var admin = new RedisClient(fixture.Server.Options());
        await admin.ExecuteAsync(new RedisCommand("ACL", "SETUSER", _user, "on", ">" + password, "~*", "&*", "+@all"));
    }

    [RedisFact]
    public async Task Connects_as_an_acl_user()
    {
        await CreateUserAsync("s3cret");
        await using var redis = new RedisClient(RedisConnectionOptions.Parse(fixture.Server.Url(userInfo: $"{_user}:s3cret")));
        (await redis.ExecuteAsync(new RedisCommand("ACL", "WHOAMI"))).AsString().Should().Be(_user);
    }

    [RedisFact]
    public async Task A_url_encoded_password_with_special_characters_works()
    {
        const string password = "p@ss:w/rd%?#";
        await CreateUserAsync(password);
        var url = fixture.Server.Url(userInfo: $"{_user}:{Uri.EscapeDataString(password)}");
        await using var redis = new RedisClient(RedisConnectionOptions.Parse(url));
        (await redis.ExecuteAsync(new RedisCommand("ACL", "WHOAMI"))).AsString().Should().Be(_user);
    }

    [RedisFact]
    public async Task A_wrong_password_is_an_authentication_error_that_names_the_user_but_not_the_password()
    {
        await CreateUserAsync("right-one");
        await using var redis = new RedisClient(RedisConnectionOptions.Parse(fixture.Server.Url(userInfo: $"{_user}:wrong-one")));
        var act = () => redis.ConnectAsync();
        var error = (await act.Should().ThrowAsync<RedisAuthenticationException>()).Which;
        error.Message.Should().Contain($"127.0.0.1:{fixture.Server.Port}").And.Contain(_user).And.Contain("WRONGPASS")
            .And.NotContain("wrong-one").And.NotContain("right-one");

        // Commands report it the same way, and never hang.
        var command = async () => await redis.ExecuteAsync(new RedisCommand("PING"));
        (await command.Should().ThrowAsync<RedisAuthenticationException>()).Which.Message.Should().NotContain("wrong-one");
    }

    [RedisFact]
    public async Task A_server_with_requirepass_refuses_a_url_without_password_and_accepts_the_right_one()
    {
        await using var server = await RedisServer.StartAsync(null, "--requirepass", "letmein");
        await using var anonymous = new RedisClient(server.Options());
        var act = () => anonymous.ConnectAsync();
        (await act.Should().ThrowAsync<RedisAuthenticationException>()).Which.Message.Should().Contain("requires a password").And.Contain("NOAUTH");

        await using var withPassword = new RedisClient(RedisConnectionOptions.Parse(server.Url(userInfo: ":letmein")));
        (await withPassword.ExecuteAsync(new RedisCommand("PING"))).AsString().Should().Be("PONG");
    }
}
