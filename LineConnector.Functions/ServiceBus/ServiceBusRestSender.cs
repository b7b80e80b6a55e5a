using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using LineConnector.Core.Queueing;

namespace LineConnector.Functions.ServiceBus;

/// <summary>
/// Sends to Service Bus queues through its REST API ("Send Message Batch") on an Azure.Core
/// pipeline with a bearer token. Azure.Messaging.ServiceBus is not available to this project, and
/// the Functions output binding cannot set SessionId or MessageId.
/// </summary>
public sealed class ServiceBusRestSender : IQueueSender
{
    public const string Scope = "https://servicebus.azure.net/.default";
    private const string BatchContentType = "application/vnd.microsoft.servicebus.json";

    // The batch is JSON over HTTP, never HTML: non-ASCII text need not be escaped as \uXXXX.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Uri _endpoint;
    private readonly HttpPipeline _pipeline;
    private readonly int _maxBatchBodyBytes;

    /// <param name="endpoint">The namespace, e.g. <c>https://contoso.servicebus.windows.net/</c>.</param>
    public ServiceBusRestSender(Uri endpoint, TokenCredential credential, ServiceBusSenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(credential);
        options ??= new ServiceBusSenderOptions();
        _endpoint = endpoint;
        _maxBatchBodyBytes = options.MaxBatchBodyBytes;
        _pipeline = HttpPipelineBuilder.Build(options, new BearerTokenAuthenticationPolicy(credential, Scope));
    }

    public async Task SendAsync(string queueName, IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queueName);
        var start = 0;
        while (start < messages.Count)
        {
            var end = start;
            var bytes = 0;
            do
            {
                bytes += messages[end].Body.Length;
                end++;
            }
            while (end < messages.Count && bytes + messages[end].Body.Length <= _maxBatchBodyBytes);

            await SendBatchAsync(queueName, messages, start, end, cancellationToken);
            start = end;
        }
    }

    private async Task SendBatchAsync(string queueName, IReadOnlyList<QueueMessage> messages, int start, int end, CancellationToken cancellationToken)
    {
        using var message = _pipeline.CreateMessage();
        var request = message.Request;
        request.Method = RequestMethod.Post;
        request.Uri.Reset(_endpoint);
        request.Uri.AppendPath(queueName, escape: true);
        request.Uri.AppendPath("/messages", escape: false);
        request.Uri.AppendQuery("timeout", "60");
        request.Headers.Add(HttpHeader.Names.ContentType, BatchContentType);
        request.Content = RequestContent.Create(BatchBody(messages, start, end));

        await _pipeline.SendAsync(message, cancellationToken);
        var response = message.Response;
        if (response.Status != 201)
        {
            throw new RequestFailedException(
                response.Status,
                $"Service Bus refused {end - start} message(s) for queue '{queueName}': HTTP {response.Status} {response.ReasonPhrase}. {Describe(response.Status)}",
                ErrorCode(response.Status),
                innerException: null);
        }
    }

    internal static ReadOnlyMemory<byte> BatchBody(IReadOnlyList<QueueMessage> messages, int start, int end)
    {
        var capacity = 2;
        for (var i = start; i < end; i++)
        {
            // Body text plus room for escaped quotes and the broker properties.
            capacity += messages[i].Body.Length + (messages[i].Body.Length / 8) + 160;
        }

        var buffer = new ArrayBufferWriter<byte>(capacity);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartArray();
            for (var i = start; i < end; i++)
            {
                var m = messages[i];
                writer.WriteStartObject();
                writer.WriteString("Body"u8, m.Body.Span);
                writer.WriteStartObject("BrokerProperties"u8);
                writer.WriteString("MessageId"u8, m.MessageId);
                writer.WriteString("SessionId"u8, m.SessionId);
                if (m.ScheduledEnqueueTime is { } at)
                {
                    // The REST API takes the time as an RFC 1123 date (whole seconds, GMT).
                    writer.WriteString("ScheduledEnqueueTimeUtc"u8, at.UtcDateTime.ToString("R", CultureInfo.InvariantCulture));
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return buffer.WrittenMemory;
    }

    private static string ErrorCode(int status) => status switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "QuotaExceededOrMessageTooLarge",
        404 or 410 => "QueueNotFound",
        _ => $"Http{status}",
    };

    private static string Describe(int status) => status switch
    {
        401 => "The app's identity has no valid token for the namespace.",
        403 => "The identity lacks the 'Azure Service Bus Data Sender' role, the queue's quota is exceeded, or a message is too large.",
        404 or 410 => "The queue does not exist.",
        _ => "",
    };
}
