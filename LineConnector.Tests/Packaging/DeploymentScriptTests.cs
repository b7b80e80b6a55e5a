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
        script.Should().Contain("-p:FunctionAppZip=", "the zip is made by the project's ZipFunctionApp target, which keeps the executable bit");
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
}
