using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace LineConnector.Tests.Packaging;

/// <summary>
/// The Bicep compiler that restoring this project downloads (PackageDownload of
/// Azure.Bicep.CommandLine.linux-x64 in LineConnector.Tests.csproj), and what it makes of infra/:
/// the ARM JSON of main.bicep and deployment snapshots, the resources a deployment of
/// main.bicep with given parameters would create, with every value the compiler can know
/// beforehand evaluated (names, conditions, loops, parameters) and the rest left as ARM
/// expressions (<see cref="ArmRuntimeValues"/> gives those their shape).
/// </summary>
internal static class BicepCli
{
    /// <summary>Where the sample deployments go: a subscription and a resource group of nobody.</summary>
    public const string SubscriptionId = "00000000-0000-0000-0000-000000000001";

    public const string ResourceGroup = "rg-line-connector";

    private const string TenantId = "00000000-0000-0000-0000-000000000002";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static readonly Lazy<JsonElement> CompiledMain = new(() => Build(RepositoryFiles.PathOf("infra", "main.bicep")));

    private static readonly ConcurrentDictionary<string, Lazy<DeploymentSnapshot>> Snapshots = new(StringComparer.Ordinal);

    public static string Version { get; } = Metadata("BicepVersion");

    public static string ExecutablePath { get; } = Metadata("BicepPath");

    /// <summary>The ARM JSON of infra/main.bicep.</summary>
    public static JsonElement Main => CompiledMain.Value;

    /// <summary>The ARM JSON of a Bicep file.</summary>
    public static JsonElement Build(string bicepFile)
    {
        var json = Run(["build", bicepFile, "--stdout"], RepositoryFiles.Root);
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>The parameter values of a .bicepparam file, as <c>bicep build-params</c> gives them.</summary>
    public static JsonElement BuildParameters(string bicepParamFile, IReadOnlyDictionary<string, string>? environment = null)
    {
        var json = Run(["build-params", bicepParamFile, "--stdout"], RepositoryFiles.Root, environment);
        using var built = JsonDocument.Parse(json);
        using var parameters = JsonDocument.Parse(built.RootElement.GetProperty("parametersJson").GetString()!);
        return parameters.RootElement.GetProperty("parameters").Clone();
    }

    /// <summary>
    /// The snapshot of a deployment of main.bicep with infra/main.bicepparam, the operator and the
    /// pipeline principals set as the deployment guide sets them, and <paramref name="overrides"/>
    /// (parameter name to Bicep literal) in place of the file's own values.
    /// </summary>
    public static DeploymentSnapshot Snapshot(IReadOnlyDictionary<string, string>? overrides = null)
    {
        var key = overrides is null ? string.Empty : string.Join('\n', overrides.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}={o.Value}"));
        return Snapshots.GetOrAdd(key, _ => new Lazy<DeploymentSnapshot>(() => TakeSnapshot(overrides ?? new Dictionary<string, string>()))).Value;
    }

    private static DeploymentSnapshot TakeSnapshot(IReadOnlyDictionary<string, string> overrides)
    {
        // bicep snapshot writes {name}.snapshot.json beside the parameter file: a copy in a
        // temporary folder keeps the repository clean. Bicep accepts only a relative `using` path.
        var folder = Directory.CreateTempSubdirectory("line-connector-snapshot-").FullName;
        try
        {
            var main = Path.GetRelativePath(folder, RepositoryFiles.PathOf("infra", "main.bicep")).Replace('\\', '/');
            var lines = RepositoryFiles.Read("infra", "main.bicepparam").Split('\n').ToList();
            var usingLine = lines.FindIndex(l => l.StartsWith("using ", StringComparison.Ordinal));
            if (usingLine < 0)
            {
                throw new InvalidDataException("infra/main.bicepparam has no using line.");
            }

            lines[usingLine] = $"using '{main}'";
            foreach (var (name, value) in overrides)
            {
                var index = lines.FindIndex(l => l.StartsWith($"param {name} = ", StringComparison.Ordinal));
                if (index < 0)
                {
                    throw new InvalidDataException($"infra/main.bicepparam does not set {name}.");
                }

                lines[index] = $"param {name} = {value}";
            }

            var parameterFile = Path.Combine(folder, "deployment.bicepparam");
            File.WriteAllText(parameterFile, string.Join('\n', lines));
            Run(
                ["snapshot", parameterFile, "--mode", "overwrite", "--subscription-id", SubscriptionId, "--resource-group", ResourceGroup, "--location", "japaneast", "--tenant-id", TenantId],
                folder,
                DeploymentGuideEnvironment);
            using var snapshot = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "deployment.snapshot.json")));
            return new DeploymentSnapshot(snapshot.RootElement.Clone());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The environment docs/deploy.md gives main.bicepparam: an operator and a pipeline principal.</summary>
    public static IReadOnlyDictionary<string, string> DeploymentGuideEnvironment { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["LINECONNECTOR_OPERATOR_PRINCIPAL_ID"] = Principals.Operator,
        ["LINECONNECTOR_DEPLOYMENT_PRINCIPAL_ID"] = Principals.Pipeline,
    };

    private static string Run(IReadOnlyList<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"The Bicep CLI {Version} is not at {ExecutablePath}. `dotnet restore LineConnector.Tests` downloads it " +
                "(the PackageDownload of Azure.Bicep.CommandLine.linux-x64 in LineConnector.Tests.csproj; .ci/run restores it). " +
                "The package is built for linux-x64: run these tests on Linux x64, as CI does.");
        }

        var start = new ProcessStartInfo(ExecutablePath, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var name in new[] { "LINECONNECTOR_OPERATOR_PRINCIPAL_ID", "LINECONNECTOR_OPERATOR_PRINCIPAL_TYPE", "LINECONNECTOR_DEPLOYMENT_PRINCIPAL_ID" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("The Bicep CLI did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} took longer than {Timeout}.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep {string.Join(' ', arguments)} failed with exit code {process.ExitCode}:\n{output.Result}\n{errors.Result}");
        }

        return output.Result;
    }

    private static string Metadata(string key) =>
        typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"LineConnector.Tests.csproj sets no {key}.");

    /// <summary>Object ids the sample deployments give the operators and the pipeline.</summary>
    public static class Principals
    {
        public const string Operator = "22222222-2222-2222-2222-222222222222";

        public const string Pipeline = "33333333-3333-3333-3333-333333333333";
    }
}
