using LineConnector.Functions.Privacy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LineConnector.Tests.Privacy;

/// <summary>The app setting <c>DataProtection__UserIdHashKey</c>: what the app refuses, and that it never repeats the value.</summary>
public sealed class UserIdHashKeySettingTests
{
    [Theory]
    [InlineData("@Microsoft.KeyVault(VaultName=kvlinecon;SecretName=user-id-hash-key)", "Key Vault reference the platform did not resolve")]
    [InlineData("short-key", "at least 16 characters")]
    public void A_key_the_app_cannot_use_stops_it_with_the_settings_name_and_not_its_value(string value, string reason)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DataProtection:UserIdHashKey"] = value }).Build();

        var start = () => new ServiceCollection().AddPrivacy(configuration, hostedByFunctions: true);

        start.Should().Throw<InvalidOperationException>()
            .Which.Message.Should().Contain("'DataProtection__UserIdHashKey'").And.Contain(reason).And.NotContain(value);
    }

    [Fact]
    public void Two_starts_with_the_same_key_hash_a_user_alike()
    {
        const string User = "U0123456789abcdef0123456789abcdef";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DataProtection:UserIdHashKey"] = "resolved-secret-of-at-least-16" }).Build();
        string HashOnce()
        {
            using var provider = new ServiceCollection().AddPrivacy(configuration, hostedByFunctions: true).BuildServiceProvider();
            return provider.GetRequiredService<LineConnector.Core.Privacy.UserIdHasher>().Hash(User);
        }

        HashOnce().Should().Be(HashOnce()).And.StartWith("user#").And.NotContain(User);
    }
}
