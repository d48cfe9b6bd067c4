import "server-only";

export { trainerApi as trainer } from "@/jobs/trainer-api";
