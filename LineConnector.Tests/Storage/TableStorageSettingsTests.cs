using LineConnector.Core.Storage;
using LineConnector.Functions.Hosting;
using LineConnector.Functions.LocalMode;
using LineConnector.Functions.TableStorage;
using LineConnector.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LineConnector.Tests.Storage;

public sealed class TableStorageSettingsTests
{
    private const string Key = "c2VjcmV0LWFjY291bnQta2V5LWZvci10ZXN0cy1vbmx5LTEyMzQ1Njc4OTA=";

    [Fact]
    public void Development_storage_is_azurite_on_its_default_port()
    {
        TableStorageSettings.CreateStore(Settings(("TableStorage", "UseDevelopmentStorage=true"))).Endpoint
            .Should().Be(new Uri("http://127.0.0.1:10002/devstoreaccount1"));
    }

    [Theory]
    [InlineData($"DefaultEndpointsProtocol=https;AccountName=contoso;AccountKey={Key};EndpointSuffix=core.windows.net", "https://contoso.table.core.windows.net/")]
    [InlineData($"AccountName=contoso;AccountKey={Key}", "https://contoso.table.core.windows.net/")]
    [InlineData($"DefaultEndpointsProtocol=http;AccountName=contoso;AccountKey={Key};EndpointSuffix=core.chinacloudapi.cn;", "http://contoso.table.core.chinacloudapi.cn/")]
    [InlineData($" accountname = contoso ; ACCOUNTKEY = {Key} ; TableEndpoint = http://127.0.0.1:5000/contoso ", "http://127.0.0.1:5000/contoso")]
    [InlineData($"DefaultEndpointsProtocol=https;AccountName=contoso;AccountKey={Key};BlobEndpoint=https://b/;TableEndpoint=https://tables.example/", "https://tables.example/")]
    public void Account_key_connection_strings_give_the_table_endpoint(string connectionString, string endpoint)
    {
        TableStorageSettings.CreateStore(Settings(("TableStorage", connectionString))).Endpoint.Should().Be(new Uri(endpoint));
    }

    [Theory]
    [InlineData(";;")]
    [InlineData("AccountName=contoso;c2VjcmV0LWtleQ")]
    [InlineData("AccountName=contoso")]
    [InlineData($"AccountKey={Key}")]
    [InlineData("AccountName=contoso;AccountKey=not*base64!")]
    [InlineData("UseDevelopmentStorage=false")]
    [InlineData("c2VjcmV0LWtleQ")]
    public void Bad_connection_strings_are_refused_naming_the_setting_without_repeating_the_key(string connectionString)
    {
        var error = FluentActions.Invoking(() => TableStorageSettings.CreateStore(Settings(("TableStorage", connectionString))))
            .Should().Throw<InvalidOperationException>().Which;

        error.Message.Should().StartWith("App setting 'TableStorage' is not a storage connection string: use UseDevelopmentStorage=true");
        error.ToString().Should().NotContain(Key).And.NotContain("c2VjcmV0LWtleQ").And.NotContain("not*base64!");
    }

    [Fact]
    public void A_connection_string_to_an_endpoint_that_is_not_http_is_refused()
    {
        var error = FluentActions.Invoking(() => TableStorageSettings.CreateStore(Settings(("TableStorage", $"DefaultEndpointsProtocol=ftp;AccountName=contoso;AccountKey={Key}"))))
            .Should().Throw<InvalidOperationException>().Which;

        error.Message.Should().Be("App setting 'TableStorage': its table endpoint is ftp; DefaultEndpointsProtocol and TableEndpoint may be https or http.");
    }

    [Fact]
    public void Nothing_set_means_not_configured()
    {
        var settings = Settings(("TableStorage", ""), ("TableStorage:tableServiceUri", " "), ("TableStorage:accountName", ""), ("TableStorage:clientId", "x"));

        TableStorageSettings.IsConfigured(settings).Should().BeFalse();
        FluentActions.Invoking(() => TableStorageSettings.CreateStore(settings)).Should().Throw<InvalidOperationException>()
            .WithMessage("*set app setting 'TableStorage' to a connection string, or 'TableStorage__tableServiceUri' (or 'TableStorage__accountName')*");
    }

    [Fact]
    public void A_connection_string_setting_gives_a_key_client()
    {
        var settings = Settings(("TableStorage", $"AccountName=contoso;AccountKey={Key}"), ("TableStorage:tableServiceUri", "https://other.table.core.windows.net/"));

        TableStorageSettings.IsConfigured(settings).Should().BeTrue();
        TableStorageSettings.CreateStore(settings).Endpoint.Should().Be(new Uri("https://contoso.table.core.windows.net/"));
    }

    [Theory]
    [InlineData("TableStorage:tableServiceUri", "https://contoso.table.core.windows.net", "https://contoso.table.core.windows.net/")]
    [InlineData("TableStorage:accountName", "contoso", "https://contoso.table.core.windows.net/")]
    public void Identity_settings_give_a_token_client_for_the_account(string setting, string value, string endpoint)
    {
        var settings = Settings((setting, value), ("TableStorage:clientId", "00000000-0000-0000-0000-000000000001"));

        TableStorageSettings.IsConfigured(settings).Should().BeTrue();
        TableStorageSettings.CreateStore(settings).Endpoint.Should().Be(new Uri(endpoint));
    }

    [Theory]
    [InlineData("TableStorage:tableServiceUri", "http://contoso.table.core.windows.net/", "'TableStorage__tableServiceUri' is 'http://contoso.table.core.windows.net/': it must be the account's https table endpoint")]
    [InlineData("TableStorage:tableServiceUri", "contoso", "'TableStorage__tableServiceUri' is 'contoso'")]
    [InlineData("TableStorage:accountName", "Contoso", "'TableStorage__accountName' is 'Contoso': a storage account name has 3 to 24 lowercase letters and digits")]
    [InlineData("TableStorage:accountName", "contoso.table.core.windows.net", "'TableStorage__accountName' is 'contoso.table.core.windows.net'")]
    public void Bad_identity_settings_are_refused_naming_the_setting(string setting, string value, string message)
    {
        FluentActions.Invoking(() => TableStorageSettings.CreateStore(Settings((setting, value)))).Should().Throw<InvalidOperationException>()
            .Which.Message.Should().Contain(message);
    }

    [Fact]
    public void The_client_retries_briefly_within_what_an_invocation_can_wait()
    {
        var retry = TableStorageSettings.CreateClientOptions().Retry;

        retry.Mode.Should().Be(Azure.Core.RetryMode.Exponential);
        retry.MaxRetries.Should().Be(4);
        retry.NetworkTimeout.Should().Be(TimeSpan.FromSeconds(10));
        retry.MaxDelay.Should().BeLessThanOrEqualTo(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Local_mode_without_table_settings_uses_the_local_store_in_its_file()
    {
        // Local mode's default store is SQLite in .line-connector/local.db under the working directory (issue 12).
        using var folder = new TemporaryFolder();
        var file = Path.Combine(folder.Path, "local.db");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection([KeyValuePair.Create("LocalStore:Path", (string?)file)]);
        ConnectorHost.Configure(builder);
        using var services = builder.Services.BuildServiceProvider();

        services.GetRequiredService<ITableStore>().Should().BeOfType<SqliteTableStore>();
        services.GetRequiredService<LocalDatabase>().FilePath.Should().Be(file);
        new LocalStoreOptions().Path.Should().Be(Path.Combine(".line-connector", "local.db"));
    }

    [Fact]
    public void Local_mode_with_a_connection_string_uses_table_storage()
    {
        HostedStore(("TableStorage", "UseDevelopmentStorage=true")).Should().BeOfType<AzureTableStore>()
            .Which.Endpoint.Should().Be(new Uri("http://127.0.0.1:10002/devstoreaccount1"));
    }

    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    private static ITableStore HostedStore(params (string Key, string Value)[] values)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value)));
        ConnectorHost.Configure(builder);
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<ITableStore>();
    }
}
