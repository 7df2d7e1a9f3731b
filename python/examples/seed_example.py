"""The seed tutorial's complete working example, unchanged but for its imports: the seed's classes
come from ``cxone_sim`` instead of being defined above ``main()``. It runs offline (local backend).
"""

import json
import os
import logging
from dotenv import load_dotenv

from cxone_sim import CXoneAnswerSimulator, HistoricalCallMatrix, PredictiveSimulationPayload

load_dotenv()

logging.basicConfig(level=logging.INFO, format="%(asctime)s - %(levelname)s - %(message)s")

def main():
    org_id = os.getenv("CXONE_ORG_ID", "your-org-id")
    client_id = os.getenv("CXONE_CLIENT_ID", "your-client-id")
    client_secret = os.getenv("CXONE_CLIENT_SECRET", "your-client-secret")
    campaign_id = os.getenv("CXONE_CAMPAIGN_ID", "12345678-1234-1234-1234-123456789012")
    callback_url = os.getenv("WORKFORCE_CALLBACK_URL", "")

    simulation_payload = PredictiveSimulationPayload(
        campaign_id=campaign_id,
        answer_rate=0.38,
        agent_efficiency=0.82,
        max_simulation_window_minutes=120,
        historical_matrix=[
            HistoricalCallMatrix(time_bucket="09:00-10:00", calls_attempted=500, calls_answered=190, avg_talk_time_seconds=145),
            HistoricalCallMatrix(time_bucket="10:00-11:00", calls_attempted=620, calls_answered=245, avg_talk_time_seconds=138),
            HistoricalCallMatrix(time_bucket="11:00-12:00", calls_attempted=480, calls_answered=175, avg_talk_time_seconds=152)
        ],
        compliance_threshold_variance=0.10
    )

    simulator = CXoneAnswerSimulator(org_id, client_id, client_secret, callback_url)
    
    try:
        result = simulator.run_simulation(simulation_payload)
        print("Simulation completed successfully:")
        print(json.dumps(result, indent=2))
    except Exception as e:
        print(f"Simulation failed: {e}")

if __name__ == "__main__":
    main()
