using System.Text.Json;
using System.Xml.Linq;

namespace LineConnector.Tests.Packaging;

/// <summary>The packaging script builds what the Functions host on Linux runs.</summary>
public sealed class DeploymentScriptTests
{
    [Fact]
    public void The_package_script_publishes_self_contained_for_linux_x64_and_zips()
    {
        var script = RepositoryFiles.Read("scripts", "package.sh");

        script.Should().Contain("--runtime linux-x64").And.Contain("--self-contained").And.Contain("--configuration Release");
        script.Should().Contain("-p:PublishReadyToRun=true", "a cold start on a plan that scales from zero JITs less with the code compiled ahead");
        script.Should().Contain("-p:FunctionAppZip=", "the zip is made by the project's ZipFunctionApp target, which keeps the executable bit");
        script.Should().Contain("-p:BuildId=", "the package reports its build id on GET /api/health");
    }

    [Fact]
    public void The_deploy_script_waits_until_the_new_build_answers()
    {
        var script = RepositoryFiles.Read("scripts", "deploy-package.sh");

        script.Should().Contain("unzip -p \"$zip\" build-id", "the id to wait for is the package's");
        script.Should().Contain("/api/health").And.Contain("\"$answered\" = \"$build_id\"");
        script.IndexOf("/api/health", StringComparison.Ordinal).Should().BeLessThan(script.LastIndexOf("exit 0", StringComparison.Ordinal), "it succeeds only after the new build answered");
        script.Should().Contain("output hostingPlan").And.Contain("config-zip", "Flex Consumption deploys through the platform, not WEBSITE_RUN_FROM_PACKAGE");
    }

    [Fact]
    public void Host_json_names_the_executable_the_project_builds()
    {
        using var host = JsonDocument.Parse(RepositoryFiles.Read("host.json"));
        var project = XDocument.Parse(RepositoryFiles.Read("LineConnector.Functions", "LineConnector.Functions.csproj"));

        var assemblyName = project.Descendants("AssemblyName").Single().Value;
        var outputType = project.Descendants("OutputType").Single().Value;
        host.RootElement.GetProperty("customHandler").GetProperty("description").GetProperty("defaultExecutablePath").GetString().Should().Be(assemblyName);
        outputType.Should().Be("Exe");
        project.Descendants("Target").Should().Contain(t => (string?)t.Attribute("Name") == "ZipFunctionApp" && (string?)t.Attribute("AfterTargets") == "Publish");
    }

    [Fact]
    public void Ci_workflow_runs_what_ci_runs()
    {
        var ci = RepositoryFiles.Read(".github", "workflows", "ci.yml");

        ci.Should().Contain("run: bash .ci/run").And.Contain("dotnet-version: '10.0.x'").And.Contain("node-version: '20'");
        var run = RepositoryFiles.Read(".ci", "run");
        run.Should().Contain("bash scripts/check-infra.sh").And.Contain("bash scripts/test.sh");
        run.IndexOf("check-infra", StringComparison.Ordinal).Should().BeLessThan(run.IndexOf("scripts/test.sh", StringComparison.Ordinal), "the tests' summary stays the last line");
    }

    [Fact]
    public void Deploy_workflow_signs_in_with_federated_credentials_and_stores_no_secret()
    {
        var deploy = RepositoryFiles.Read(".github", "workflows", "deploy.yml");

        deploy.Should().Contain("id-token: write").And.Contain("uses: azure/login@").And.Contain("client-id: ${{ vars.AZURE_CLIENT_ID }}");
        deploy.Should().NotContain("secrets.", "OpenID Connect needs no stored secret");
        deploy.Should().Contain("az deployment group what-if").And.Contain("az deployment group create").And.Contain("environment: production");
        deploy.IndexOf("az deployment group what-if", StringComparison.Ordinal).Should().BeLessThan(deploy.IndexOf("az deployment group create", StringComparison.Ordinal));
        deploy.Should().Contain("bash scripts/package.sh").And.Contain("bash scripts/deploy-package.sh");
    }

    [Fact]
    public void Deploy_workflow_pins_the_bicep_that_ci_compiles_with()
    {
        var deploy = RepositoryFiles.Read(".github", "workflows", "deploy.yml");

        deploy.Should().NotContain("az bicep upgrade", "the what-if reviewers approve must come from the compiler CI checked");
        deploy.Should().Contain($"BICEP_VERSION: v{BicepCli.Version}");
        deploy.Split("az bicep install --version \"$BICEP_VERSION\"").Should().HaveCount(3, "both the what-if and the deployment use it");
    }
}
