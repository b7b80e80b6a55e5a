using System.Collections.Concurrent;
using System.Net;
using System.Text;
using LineConnector.Core.Inbound;
using LineConnector.Core.Line;
using LineConnector.Core.Queueing;
using LineConnector.Functions.LocalMode;
using LineConnector.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LineConnector.Tests.LocalMode;

/// <summary>Local mode as a developer runs it: webhook in, in-process queue, inbound handler.</summary>
public class LocalModeEndToEndTests
{
    [Fact]
    public async Task A_signed_webhook_reaches_the_inbound_handler_once_even_when_LINE_redelivers_it()
    {
        var handler = new CollectingHandler();
        await using var app = new ConnectorApp(s =>
        {
            s.RemoveAll<IQueueMessageHandler>();
            s.AddSingleton<IQueueMessageHandler>(handler);
        });
        var client = app.CreateClient();
        var body = WebhookJson.Body(WebhookJson.TextMessage("Ua1", "01LA"), WebhookJson.TextMessage("Ub2", "01LB"));

        for (var attempt = 0; attempt < 2; attempt++)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/line/shop") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add(LineSignature.HeaderName, WebhookJson.Sign(body, ConnectorApp.Secret));
            (await client.SendAsync(request)).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        await app.Services.GetRequiredService<InProcessQueue>().WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(10));
        handler.Received.Select(m => m.MessageId).Should().BeEquivalentTo(["01LA", "01LB"]);
        handler.Received.Select(m => InboundEnvelope.Parse(m.Body).ChannelId).Should().OnlyContain(c => c == "shop");
    }

    private sealed class CollectingHandler : IQueueMessageHandler
    {
        public ConcurrentQueue<ReceivedMessage> Received { get; } = new();

        public string QueueName => QueueNames.Inbound;

        public Task HandleAsync(ReceivedMessage message, CancellationToken cancellationToken)
        {
            Received.Enqueue(message);
            return Task.CompletedTask;
        }
    }
}
