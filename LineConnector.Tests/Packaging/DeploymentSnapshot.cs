using System.Text.Json;

namespace LineConnector.Tests.Packaging;

/// <summary>
/// The resources and outputs a deployment of infra/main.bicep would produce (<c>bicep snapshot</c>,
/// see <see cref="BicepCli.Snapshot"/>): values known before the deployment are evaluated, values
/// Azure gives only at deployment time stay ARM expressions such as
/// <c>[reference('/subscriptions/…/userAssignedIdentities/id-…', '2024-11-30').clientId]</c>.
/// </summary>
internal sealed class DeploymentSnapshot(JsonElement snapshot)
{
    public IReadOnlyList<JsonElement> Resources { get; } = [.. snapshot.GetProperty("predictedResources").EnumerateArray()];

    public JsonElement Outputs { get; } = snapshot.GetProperty("outputs");

    /// <summary>Every resource of a type.</summary>
    public IReadOnlyList<JsonElement> OfType(string type) =>
        [.. Resources.Where(r => string.Equals(r.GetProperty("type").GetString(), type, StringComparison.OrdinalIgnoreCase))];

    /// <summary>The single resource of a type.</summary>
    public JsonElement Single(string type) => OfType(type) switch
    {
        [var only] => only,
        var found => throw new InvalidDataException($"The deployment has {found.Count} resources of type {type}, not one."),
    };

    /// <summary>The function app.</summary>
    public JsonElement Site => Single("Microsoft.Web/sites");

    /// <summary>Resource id of the identity the app's code and host use: the one whose client id AzureWebJobsStorage__clientId names.</summary>
    public string AppIdentityId => ArmRuntimeValues.ReferencedResource(AppSettingExpressions["AzureWebJobsStorage__clientId"])
        ?? throw new InvalidDataException("AzureWebJobsStorage__clientId does not name an identity's client id.");

    /// <summary>The app settings as the deployment writes them: name to value or ARM expression.</summary>
    public IReadOnlyDictionary<string, string> AppSettingExpressions => _appSettingExpressions.Value;

    private readonly Lazy<IReadOnlyDictionary<string, string>> _appSettingExpressions = new(() =>
        snapshot.GetProperty("predictedResources").EnumerateArray()
            .Single(r => r.GetProperty("type").GetString() == "Microsoft.Web/sites")
            .GetProperty("properties").GetProperty("siteConfig").GetProperty("appSettings")
            .EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("value").GetString()!, StringComparer.Ordinal));

    /// <summary>The app settings with what Azure gives at deployment time filled in by <see cref="ArmRuntimeValues"/>.</summary>
    public IReadOnlyDictionary<string, string> AppSettings() =>
        AppSettingExpressions.ToDictionary(s => s.Key, s => ArmRuntimeValues.Evaluate(s.Value), StringComparer.Ordinal);

    /// <summary>The value of an output, with what Azure gives at deployment time filled in.</summary>
    public string Output(string name) => ArmRuntimeValues.Evaluate(Outputs.GetProperty(name).GetString()!);

    /// <summary>Every role assignment: its name, scope (a resource id), role definition GUID, principal and principal type.</summary>
    public IReadOnlyList<SnapshotRoleAssignment> RoleAssignments() =>
        [.. OfType("Microsoft.Authorization/roleAssignments").Select(r =>
        {
            var id = r.GetProperty("id").GetString()!;
            var properties = r.GetProperty("properties");
            return new SnapshotRoleAssignment(
                r.GetProperty("name").GetString()!,
                id[..id.IndexOf("/providers/Microsoft.Authorization/roleAssignments/", StringComparison.Ordinal)],
                properties.GetProperty("roleDefinitionId").GetString()!.Split('/')[^1],
                properties.GetProperty("principalId").GetString()!,
                properties.GetProperty("principalType").GetString()!);
        })];
}

/// <summary>A role assignment of a <see cref="DeploymentSnapshot"/>.</summary>
internal sealed record SnapshotRoleAssignment(string Name, string Scope, string RoleId, string Principal, string PrincipalType)
{
    /// <summary>The scope's resource type, e.g. Microsoft.ServiceBus/namespaces/queues.</summary>
    public string ScopeType => ArmRuntimeValues.ResourceType(Scope);

    /// <summary>The scope's last name segment, e.g. line-inbound.</summary>
    public string ScopeName => Scope.Split('/')[^1];

    /// <summary>The identity whose principal id this is (an identity the deployment creates); null for a literal object id.</summary>
    public string? PrincipalIdentity => ArmRuntimeValues.ReferencedResource(Principal);
}
