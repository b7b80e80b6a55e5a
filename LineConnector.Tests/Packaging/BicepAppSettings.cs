using System.Text.RegularExpressions;

namespace LineConnector.Tests.Packaging;

/// <summary>
/// The app settings infra/main.bicep gives the function app, with the values a deployment would
/// give them: literals as written, parameters at their defaults, and module outputs replaced by
/// values of the shape Azure returns (an account name, a vault URI, a client id...).
/// </summary>
internal static partial class BicepAppSettings
{
    /// <summary>What each module output the settings use looks like after a deployment.</summary>
    private static readonly IReadOnlyDictionary<string, string> SampleOutputs = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["identity.outputs.id"] = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-line-connector/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-linecon-test",
        ["identity.outputs.clientId"] = "11111111-2222-3333-4444-555555555555",
        ["storage.outputs.name"] = "stlinecontest",
        ["storage.outputs.blobEndpoint"] = "https://stlinecontest.blob.core.windows.net/",
        ["storage.outputs.tableEndpoint"] = "https://stlinecontest.table.core.windows.net/",
        ["serviceBus.outputs.fullyQualifiedNamespace"] = "sb-linecon-test.servicebus.windows.net",
        ["keyVault.outputs.vaultUri"] = "https://kvlinecontest.vault.azure.net/",
        ["monitoring.outputs.connectionString"] = "InstrumentationKey=66666666-7777-8888-9999-000000000000;IngestionEndpoint=https://japaneast-1.in.applicationinsights.azure.com/",
    };

    private static readonly string Main = BicepText.Infra("main.bicep");

    /// <summary>Setting name to the Bicep expression that sets it.</summary>
    public static IReadOnlyDictionary<string, string> Expressions { get; } = BicepText.ObjectEntries(Main, "appSettings");

    /// <summary>Setting name to the value a deployment with the default parameters gives it.</summary>
    public static IReadOnlyDictionary<string, string> Deployed() =>
        Expressions.ToDictionary(e => e.Key, e => Evaluate(e.Value, e.Key), StringComparer.Ordinal);

    private static string Evaluate(string expression, string setting)
    {
        if (expression.StartsWith('\'') && expression.EndsWith('\''))
        {
            return Interpolation().Replace(expression[1..^1], m => Evaluate(m.Groups["expression"].Value, setting));
        }

        if (StringFunction().Match(expression) is { Success: true } call)
        {
            return Evaluate(call.Groups["argument"].Value, setting);
        }

        if (SampleOutputs.TryGetValue(expression, out var output))
        {
            return output;
        }

        if ((BicepText.ParameterDefault(Main, expression) ?? Variable(expression)) is { } declared)
        {
            return Evaluate(declared, setting);
        }

        if (Regex.IsMatch(expression, @"^-?\d+$"))
        {
            return expression;
        }

        throw new InvalidDataException(
            $"App setting {setting} is set to '{expression}', which {nameof(BicepAppSettings)} cannot evaluate: add what a deployment gives it to {nameof(SampleOutputs)}.");
    }

    private static string? Variable(string name) =>
        Regex.Match(Main, $@"^var {Regex.Escape(name)} = (?<value>.+)$", RegexOptions.Multiline) is { Success: true } match ? match.Groups["value"].Value.Trim() : null;

    [GeneratedRegex(@"\$\{(?<expression>[^}]+)\}")]
    private static partial Regex Interpolation();

    [GeneratedRegex(@"^string\((?<argument>.+)\)$")]
    private static partial Regex StringFunction();
}
