using System.Security.Cryptography;
using System.Text;

namespace Celeriac.CommandLine.Commands.Dashboard;

/// <summary><c>--basic-auth user:password</c>: the one user the standalone dashboard lets in.</summary>
internal sealed record BasicCredentials(string User, string Password)
{
    /// <exception cref="CliException">Not <c>user:password</c> with both parts set (a usage error).</exception>
    public static BasicCredentials Parse(string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == value.Length - 1) throw CliException.Usage("--basic-auth must be user:password, both non-empty");
        return new BasicCredentials(value[..colon], value[(colon + 1)..]);
    }

    /// <summary>Whether an <c>Authorization: Basic …</c> value names this user and password (compared in constant time).</summary>
    public bool Matches(string user, string password) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(user), Encoding.UTF8.GetBytes(User)) &
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(Password));
}
