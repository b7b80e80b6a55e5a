using LineConnector.Core.Media;
using LineConnector.Core.Outbound;
using LineConnector.Functions.LocalMode;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LineConnector.Tests.Outbound;

public class OutboundPolicyRegistrationTests
{
    [Fact]
    public async Task The_app_provides_the_policy_with_a_fetcher_that_refuses_local_addresses()
    {
        await using var app = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b.UseSetting("LocalStore:Path", LocalStoreOptions.InMemory));

        var policy = app.Services.GetRequiredService<IOutboundPolicy>();
        var fetcher = app.Services.GetRequiredService<MediaFetcher>();

        policy.Should().BeOfType<OutboundPolicy>();
        fetcher.Options.AllowLoopbackHttpForTests.Should().BeFalse();
        fetcher.CheckUrl("http://127.0.0.1/a.png").Should().Be("the URL must use HTTPS, not http");
    }
}
