using Azure.Identity;
using LineConnector.Functions.Hosting;

namespace LineConnector.Tests.Hosting;

public sealed class TelemetryServicesTests
{
    [Theory]
    [InlineData("Authorization=AAD;ClientId=11111111-2222-3333-4444-555555555555")]
    [InlineData("ClientId=11111111-2222-3333-4444-555555555555;Authorization=AAD")]
    [InlineData(" authorization = aad ; clientid = 11111111-2222-3333-4444-555555555555 ;")]
    [InlineData("Authorization=AAD")]
    public void The_host_authentication_string_gives_the_managed_identity(string authentication)
    {
        TelemetryServices.Credential(authentication).Should().BeOfType<ManagedIdentityCredential>();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Without_an_authentication_string_the_exporter_uses_no_credential(string? authentication)
    {
        TelemetryServices.Credential(authentication).Should().BeNull();
    }

    [Theory]
    [InlineData("ClientId=11111111-2222-3333-4444-555555555555", "Authorization=AAD")]
    [InlineData("Authorization=Key", "Authorization=AAD")]
    [InlineData("Authorization", "'Authorization' is not Name=Value")]
    public void A_malformed_authentication_string_stops_the_app_naming_the_setting(string authentication, string why)
    {
        var error = FluentActions.Invoking(() => TelemetryServices.Credential(authentication)).Should().Throw<InvalidOperationException>().Which;

        error.Message.Should().Contain($"'{TelemetryServices.AuthenticationStringSetting}'").And.Contain(why);
    }
}
