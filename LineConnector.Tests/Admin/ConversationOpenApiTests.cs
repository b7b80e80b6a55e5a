using System.Net;
using System.Text.Json.Nodes;
using LineConnector.Tests.Support;

namespace LineConnector.Tests.Admin;

public class ConversationOpenApiTests
{
    [Fact]
    public async Task The_openapi_document_describes_the_conversation_control_routes_and_their_bodies()
    {
        await using var app = new ConnectorApp();
        using var http = app.CreateClient();

        var response = await http.GetAsync("/api/manage/openapi.json");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        paths.Should().Contain([
            "/api/enquiries/{id}/handover", "/api/enquiries/{id}/transfer", "/api/enquiries/{id}/handback", "/api/enquiries/{id}/inject", "/api/channels/{id}/notify",
            "/api/manage/enquiries/{id}/handover", "/api/manage/enquiries/{id}/transfer", "/api/manage/enquiries/{id}/handback",
            "/api/manage/enquiries/{id}/close", "/api/manage/enquiries/{id}/inject", "/api/manage/channels/{id}/notify",
        ]);
        document["components"]!["schemas"]!.AsObject().Select(s => s.Key).Should().Contain(["EnquiryMoveRequest", "MoveResult", "InjectRequest", "NotifyRequest"]);
    }
}
